
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from linli.core.schemas import ApiRequest, ErrorOut

from . import selectors, services

router = Router(tags=["accounts 账号"])


class RoleOut(Schema):
    role: str
    region_code: str
    region_name: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="当前用户及其角色")
def me(request: ApiRequest):  # type: ignore[no-untyped-def]
    user = request.auth
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        roles=[RoleOut(role=a.role, region_code=a.region.code, region_name=a.region.full_name) for a in selectors.role_assignments(user)],
    )


class SmsCodeIn(Schema):
    phone: str
    purpose: str = "signup"


class SignupIn(Schema):
    phone: str
    code: str
    password: str
    display_name: str = ""


class VerifyIn(Schema):
    name: str
    id_number: str


class PasswordChangeIn(Schema):
    old_password: str
    new_password: str


class ResetIn(Schema):
    phone: str
    code: str
    password: str


class OkOut(Schema):
    ok: bool = True


class AccountOut(Schema):
    username: str
    verified: bool


@router.post("/sms-code", response={200: OkOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut}, auth=None,
             summary="发送短信验证码(注册/验证码登录/重置密码)")
def sms_code(request: ApiRequest, body: SmsCodeIn):  # type: ignore[no-untyped-def]
    from linli.core.middleware import client_ip

    services.send_sms_code(phone=body.phone, purpose=body.purpose, client_ip=client_ip(request))  # type: ignore[arg-type]
    return OkOut()


@router.post("/signup", response={201: AccountOut, 400: ErrorOut, 403: ErrorOut}, auth=None, summary="居民用手机号和验证码注册")
def signup(request: ApiRequest, body: SignupIn):  # type: ignore[no-untyped-def]
    user = services.sign_up(phone=body.phone, code=body.code, password=body.password, display_name=body.display_name)
    return Status(201, AccountOut(username=user.username, verified=False))


@router.post("/password/reset", response={200: OkOut, 400: ErrorOut, 403: ErrorOut}, auth=None, summary="用短信验证码重置密码")
def password_reset(request: ApiRequest, body: ResetIn):  # type: ignore[no-untyped-def]
    services.reset_password_by_code(phone=body.phone, code=body.code, password=body.password)
    return OkOut()


@router.post("/me/verify", response={200: AccountOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}, summary="用姓名和身份证号核验身份")
def verify(request: ApiRequest, body: VerifyIn):  # type: ignore[no-untyped-def]
    services.verify_identity(actor=request.auth, name=body.name, id_number=body.id_number)
    return AccountOut(username=request.auth.username, verified=True)


@router.post("/me/password", response={200: OkOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut}, summary="修改密码")
def password_change(request: ApiRequest, body: PasswordChangeIn):  # type: ignore[no-untyped-def]
    services.change_password(user=request.auth, old_password=body.old_password, new_password=body.new_password)
    return OkOut()


class StaffRoleIn(Schema):
    role: str
    region_code: str


class StaffIn(Schema):
    username: str
    password: str
    role: str
    region_code: str
    display_name: str = ""
    phone: str = ""


class StaffOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    roles: list[RoleOut]


class StaffActiveIn(Schema):
    active: bool


class StaffPasswordIn(Schema):
    password: str


def _staff_out(user) -> StaffOut:  # type: ignore[no-untyped-def]
    from .models import RoleAssignment

    held = RoleAssignment.objects.filter(user=user, active=True).select_related("region").order_by("region_path")
    return StaffOut(id=user.pk, username=user.username, display_name=user.display_name, is_active=user.is_active,
                    roles=[RoleOut(role=a.role, region_code=a.region.code, region_name=a.region.full_name) for a in held])


def _node(user, code: str):  # type: ignore[no-untyped-def]
    from linli.core.errors import NotFound

    found = next((n for n in selectors.nodes_of_area(user, limit=100_000) if n.code == code), None)
    if found is None:
        raise NotFound("not_found", _("区划节点不存在或不在您的辖区内"), region_code=code)
    return found


def _managed(request: ApiRequest, pk: int):  # type: ignore[no-untyped-def]
    from linli.core.errors import NotFound, PermissionDenied

    from .models import User

    target = User.objects.filter(pk=pk).first()
    if target is None:
        raise NotFound("not_found", _("账号不存在"))
    if not request.auth.has_perm("accounts.manage_user", target):
        raise PermissionDenied("not_your_staff", _("该账号不在您的管理范围内"))
    return target


def _require_admin(request: ApiRequest) -> None:
    from linli.core.errors import PermissionDenied

    if not request.auth.has_perm("accounts.manage_staff"):
        raise PermissionDenied("forbidden", _("只有区域管理员可以管理人员账号"))


@router.get("/staff", response={200: list[StaffOut], 401: ErrorOut, 403: ErrorOut}, summary="本辖区人员账号(区域管理员)")
def staff_list(request: ApiRequest):  # type: ignore[no-untyped-def]
    _require_admin(request)
    return [_staff_out(u) for u in selectors.staff_of_area(request.auth)]


@router.post("/staff", response={201: StaffOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="新建人员账号并授予第一个角色")
def staff_create(request: ApiRequest, body: StaffIn):  # type: ignore[no-untyped-def]
    _require_admin(request)
    user = services.create_staff(actor=request.auth, username=body.username, password=body.password, role=body.role,
                                 region=_node(request.auth, body.region_code), display_name=body.display_name, phone=body.phone)
    return Status(201, _staff_out(user))


@router.post("/staff/{pk}/roles", response={200: StaffOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="授予角色")
def staff_grant(request: ApiRequest, pk: int, body: StaffRoleIn):  # type: ignore[no-untyped-def]
    target = _managed(request, pk)
    services.grant_role(actor=request.auth, user=target, role=body.role, region=_node(request.auth, body.region_code))
    return _staff_out(target)


@router.post("/staff/{pk}/active", response={200: StaffOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="停用或启用账号")
def staff_active(request: ApiRequest, pk: int, body: StaffActiveIn):  # type: ignore[no-untyped-def]
    target = _managed(request, pk)
    services.set_active(actor=request.auth, user=target, active=body.active)
    return _staff_out(target)


@router.post("/staff/{pk}/password", response={200: OkOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="重置人员密码")
def staff_password(request: ApiRequest, pk: int, body: StaffPasswordIn):  # type: ignore[no-untyped-def]
    target = _managed(request, pk)
    services.admin_reset_password(actor=request.auth, user=target, password=body.password)
    return OkOut()
