
from ninja import Router, Schema

from linli.core.schemas import ApiRequest, ErrorOut

from . import selectors

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
