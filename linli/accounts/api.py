
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


@router.post("/sms-code", response={200: OkOut, 400: ErrorOut, 429: ErrorOut}, auth=None,
             summary="发送短信验证码(注册/验证码登录/重置密码)")
def sms_code(request: ApiRequest, body: SmsCodeIn):  # type: ignore[no-untyped-def]
    from linli.core.middleware import client_ip

    services.send_sms_code(phone=body.phone, purpose=body.purpose, client_ip=client_ip(request))  # type: ignore[arg-type]
    return OkOut()


@router.post("/signup", response={201: AccountOut, 400: ErrorOut}, auth=None, summary="居民用手机号和验证码注册")
def signup(request: ApiRequest, body: SignupIn):  # type: ignore[no-untyped-def]
    user = services.sign_up(phone=body.phone, code=body.code, password=body.password, display_name=body.display_name)
    return Status(201, AccountOut(username=user.username, verified=False))


@router.post("/password/reset", response={200: OkOut, 400: ErrorOut}, auth=None, summary="用短信验证码重置密码")
def password_reset(request: ApiRequest, body: ResetIn):  # type: ignore[no-untyped-def]
    services.reset_password_by_code(phone=body.phone, code=body.code, password=body.password)
    return OkOut()


@router.post("/me/verify", response={200: AccountOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut}, summary="用姓名和身份证号核验身份")
def verify(request: ApiRequest, body: VerifyIn):  # type: ignore[no-untyped-def]
    services.verify_identity(actor=request.auth, name=body.name, id_number=body.id_number)
    return AccountOut(username=request.auth.username, verified=True)


@router.post("/me/password", response={200: OkOut, 400: ErrorOut, 401: ErrorOut}, summary="修改密码")
def password_change(request: ApiRequest, body: PasswordChangeIn):  # type: ignore[no-untyped-def]
    services.change_password(user=request.auth, old_password=body.old_password, new_password=body.new_password)
    return OkOut()
