from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.core.crypto import lookup_hash
from linli.core.errors import DomainError
from linli.core.memo import Memo
from linli.core.services import record_audit
from linli.core.text import clean_text

from .models import ApiToken, RoleAssignment, User
from .roles import ROLE_LEVELS, Role
from .validators import looks_like_phone, normalize_phone


@transaction.atomic
def create_user(
    *, actor: Any, username: str, password: str, display_name: str = "", phone: str = "", is_staff: bool = False,
    resident: Any = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():  # names sign in in any case
        raise DomainError("username_taken", _("用户名已被使用"), username=username)
    if phone:
        phone = normalize_phone(phone) or phone
        if not looks_like_phone(phone):
            raise DomainError("invalid_phone", _("手机号格式不正确"))
        if User.objects.filter(phone_hash=lookup_hash(phone)).exists():
            raise DomainError("phone_taken", _("该手机号已注册"))
    user = User(username=username, display_name=clean_text(display_name, collapse=True), phone=phone, phone_hash=lookup_hash(phone),
                is_staff=is_staff, resident=resident)
    check_password_rules(password, user)
    user.set_password(password)
    user.save()
    record_audit(actor=actor, action="user.create", target=user, changes={"username": username})
    return user


@transaction.atomic
def assign_role(*, actor: Any, user: User, role: str, region: Any) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError("unknown_role", _("未知角色"), role=role)
    levels = ROLE_LEVELS.get(Role(role))
    if levels and getattr(region, "level", None) not in levels:
        raise DomainError("wrong_level", _("该角色只能授予在区或市一级"), field="region", role=role, levels=list(levels))
    ra, _created = RoleAssignment.objects.update_or_create(
        user=user, role=role, region=region, defaults={"active": True, "region_path": region.path}
    )
    record_audit(actor=actor, action="role.assign", target=ra, region_path=region.path,
                 changes={"role": role, "region": region.code})
    return ra


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    secret = "ll_" + secrets.token_urlsafe(32)
    name = clean_text(name, collapse=True)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], key_hash=_digest(secret))
    record_audit(actor=actor, action="api_token.issue", target=token, changes={"user": user.username, "name": name})
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    cache.delete(_token_cache_key(token.key_hash))
    record_audit(actor=actor, action="api_token.revoke", target=token)


def _token_cache_key(digest: str) -> str:
    return f"apitoken:{digest}"


_accounts = Memo("accounts.user", ttl=300)

# Written out: a bearer request whose token is not cached reads token and account in one
# statement; building the equivalent queryset (a join over every account column) cost more
# than running it.
_TOKEN_USER = (f"SELECT u.*, t.id AS token_id, t.last_used_at AS token_used_at "  # noqa: S608 (table names only)
               f"FROM {User._meta.db_table} u JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
               f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active")
_ACTIVE_USER = f"SELECT * FROM {User._meta.db_table} WHERE id = %s AND is_active"  # noqa: S608 (table name only)


def _active_user(user_id: int) -> User | None:
    return next(iter(User.objects.raw(_ACTIVE_USER, [user_id])), None)


def user_for_token(secret: str) -> User | None:
    """The active user a bearer secret belongs to. The secret's user id is kept in the cache for
    LINLI_TOKEN_CACHE_SECONDS (default 30) so that busy clients do not cost a query each;
    revoking a token deletes its entry (at once everywhere when the cache is Redis; with the
    per-process default cache other processes follow within that time). The account itself is
    kept in the process (``core.memo``), forgotten whenever it is saved; each request gets its
    own copy, so nothing one request caches on it reaches another."""
    if not secret:
        return None
    digest = _digest(secret)
    ttl = getattr(settings, "LINLI_TOKEN_CACHE_SECONDS", 30)
    user_id = cache.get(_token_cache_key(digest)) if ttl else None
    if user_id is None:
        found = next(iter(User.objects.raw(_TOKEN_USER, [digest])), None)
        if found is None:
            return None
        token_id, last_used = found.token_id, found.token_used_at  # type: ignore[attr-defined]
        del found.token_id, found.token_used_at  # type: ignore[attr-defined]
        now = timezone.now()
        if isinstance(last_used, str):  # SQLite hands back text for a column of a join
            last_used = parse_datetime(last_used)
        if last_used is not None and timezone.is_naive(last_used):
            last_used = timezone.make_aware(last_used, dt.UTC)
        if last_used is None or (now - last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        user_id = found.pk
        if ttl:
            cache.set(_token_cache_key(digest), user_id, ttl)
        user = _accounts.get(user_id, lambda: found)
    else:
        user = _accounts.get(user_id, lambda: _active_user(user_id))
    return copy.copy(cast(User, user)) if user is not None else None


def forget_tokens_of(user: User) -> None:
    """Drop cached look-ups of every token of the user (deactivation, role or token changes)."""
    cache.delete_many([_token_cache_key(h) for h in ApiToken.objects.filter(user=user).values_list("key_hash", flat=True)])
    _accounts.forget(user.pk)


# ---------------------------------------------------------------- passwords

def check_password_rules(password: str, user: Any = None) -> None:
    """AUTH_PASSWORD_VALIDATORS (length, common, numeric, the demo password in production), as a
    DomainError on the ``password`` field. Every place that sets a password calls it."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise DomainError("weak_password", "；".join(str(m) for m in exc.messages), field="password") from exc


def _store_password(user: User, password: str) -> None:
    """Check the rules, set and save the password (callers write their own audit row)."""
    check_password_rules(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    forget_tokens_of(user)


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password or ""):
        raise DomainError("wrong_password", _("原密码不正确"), field="old_password")
    _store_password(user, new_password)
    record_audit(actor=user, action="user.password_change", target=user)


# ---------------------------------------------------------------- SMS codes

CODE_TTL = dt.timedelta(minutes=5)
CODE_ATTEMPTS = 5


def _code_digest(phone_hash: str, purpose: str, code: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("linli.accounts.sms_code", f"{phone_hash}:{purpose}:{code}").hexdigest()


def deliver_sms(*, phone: str, text: str) -> None:
    """The one place an account SMS (a sign-in code) leaves the platform: straight through the
    kernel's SMS backend (``core.sms``), no inbox row and no delivery record that would keep the code."""
    from linli.core import sms

    sms.backend().send(key=sms.new_key(), phone=phone, text=text)


def _phone(value: str) -> str:
    phone = normalize_phone(value or "")
    if phone is None:
        raise DomainError("invalid_phone", _("手机号格式不正确"), field="phone")
    return phone


class _Key:
    """A rate-limit subject that is not an account (a phone's hash, a client address)."""

    def __init__(self, pk: str) -> None:
        self.pk = pk


def send_sms_code(*, phone: str, purpose: str, client_ip: str | None = None) -> None:
    """Send a fresh six-digit code for ``purpose`` (earlier unused codes stop working). For sign-in
    and reset a number without an account gets nothing, with the same answer (no probing who has
    an account); for sign-up a number already registered is refused."""
    from linli.core import ratelimit

    from .models import SmsCode

    if purpose not in SmsCode.Purpose.values:
        raise DomainError("unknown_purpose", _("未知的验证码用途"), field="purpose")
    phone = _phone(phone)
    ph = lookup_hash(phone)
    ratelimit.hit("sms_phone", _Key(f"phone:{ph}"))  # first: asking about numbers costs the same quota
    if client_ip:
        ratelimit.hit("sms_address", _Key(f"ip:{client_ip}"))
    exists = User.objects.filter(phone_hash=ph, is_active=True).exists()
    if purpose == SmsCode.Purpose.SIGNUP and User.objects.filter(phone_hash=ph).exists():
        raise DomainError("phone_taken", _("该手机号已注册，请直接登录"), field="phone")
    if purpose != SmsCode.Purpose.SIGNUP and not exists:
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        SmsCode.objects.filter(phone_hash=ph, purpose=purpose, used_at__isnull=True).update(used_at=timezone.now())
        SmsCode.objects.create(phone_hash=ph, purpose=purpose, code_hash=_code_digest(ph, purpose, code),
                               expires_at=timezone.now() + CODE_TTL)
    deliver_sms(phone=phone, text=_("【邻里】验证码 %(code)s，5分钟内有效，请勿告诉他人。") % {"code": code})


def check_sms_code(*, phone: str, purpose: str, code: str) -> str:
    """Use up the code sent to ``phone`` for ``purpose``; returns the normalised phone. A wrong
    code counts as an attempt (kept even though the request is refused)."""
    from .models import SmsCode

    phone = _phone(phone)
    ph = lookup_hash(phone)
    code = (code or "").strip()
    error: DomainError | None = None
    with transaction.atomic():
        row = (SmsCode.objects.select_for_update()
               .filter(phone_hash=ph, purpose=purpose, used_at__isnull=True).order_by("-created_at").first())
        now = timezone.now()
        if row is None or row.expires_at <= now:
            error = DomainError("code_expired", _("验证码已失效，请重新获取"), field="code")
        elif row.attempts >= CODE_ATTEMPTS:
            row.used_at = now
            row.save(update_fields=["used_at"])
            error = DomainError("code_exhausted", _("验证码错误次数过多，请重新获取"), field="code")
        elif not secrets.compare_digest(row.code_hash, _code_digest(ph, purpose, code)):
            row.attempts += 1
            if row.attempts >= CODE_ATTEMPTS:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
            error = DomainError("code_wrong", _("验证码不正确"), field="code")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if error is not None:
        raise error
    return phone


VOTE_CODE_PURPOSE = "vote"


def send_vote_code(actor: Any, *, client_ip: str | None = None, no_phone: str | None = None) -> None:
    """Send the fresh code that confirms an online ballot (an assembly's or an election's) to the
    voter's own phone."""
    if not getattr(actor, "phone", ""):
        raise DomainError("invalid", no_phone or _("您的账号没有登记手机号，请到投票站用纸质选票投票"), field="phone")
    send_sms_code(phone=actor.phone, purpose=VOTE_CODE_PURPOSE, client_ip=client_ip)


def check_vote_code(actor: Any, code: str) -> None:
    """Check (and use up) a ballot's code: refused with ``field='code'`` when missing, wrong or old."""
    if not (code or "").strip():
        raise DomainError("invalid", _("请填写短信验证码"), field="code")
    check_sms_code(phone=actor.phone, purpose=VOTE_CODE_PURPOSE, code=code)


def sign_up(*, phone: str, code: str, password: str, display_name: str = "") -> User:
    """A resident's own account: phone proven by the SMS code, not yet linked to the registry
    (public services only until :func:`verify_identity`)."""
    phone = _phone(phone)
    check_password_rules(password, User(username=f"R{phone}", phone=phone, display_name=display_name))
    if User.objects.filter(phone_hash=lookup_hash(phone)).exists():
        raise DomainError("phone_taken", _("该手机号已注册，请直接登录"), field="phone")
    check_sms_code(phone=phone, purpose="signup", code=code)
    username = f"R{phone}"
    if User.objects.filter(username__iexact=username).exists():
        username = f"R{phone}-{secrets.token_hex(2)}"
    user = create_user(actor=None, username=username, password=password, display_name=display_name, phone=phone)
    record_audit(actor=user, action="user.sign_up", target=user)
    return user


def user_for_code(*, phone: str, code: str, purpose: str = "login") -> User:
    """The active account a right sign-in (or reset) code proves."""
    phone = check_sms_code(phone=phone, purpose=purpose, code=code)
    user = User.objects.filter(phone_hash=lookup_hash(phone), is_active=True).first()
    if user is None:
        raise DomainError("code_expired", _("验证码已失效，请重新获取"), field="code")
    return user


def reset_password_by_code(*, phone: str, code: str, password: str) -> User:
    phone = _phone(phone)
    target = User.objects.filter(phone_hash=lookup_hash(phone), is_active=True).first()
    check_password_rules(password, target)
    user = user_for_code(phone=phone, code=code, purpose="reset")
    with transaction.atomic():
        _store_password(user, password)
        record_audit(actor=user, action="user.password_reset", target=user)
    return user


# ---------------------------------------------------------------- identity

def verify_identity(*, actor: User, name: str, id_number: str) -> Any:
    """Link the account to the registry resident with this name and ID number (who has no
    account yet) and give it the resident role on their grid. The same refusal whether the number
    is unknown or the name differs, so the registry cannot be probed; a few tries an hour."""
    from linli.core import idcard, ratelimit

    resident_model: Any = User._meta.get_field("resident").related_model  # the registry, without importing the layer above
    if actor.resident_id is not None:
        raise DomainError("already_verified", _("您的账号已完成身份核验"))
    ratelimit.hit("identity", actor)
    number = idcard.normalize(id_number)
    name = clean_text(name, collapse=True)
    if not name or len(number) != 18:
        raise DomainError("identity_invalid", _("请填写姓名和18位身份证号"), field="id_number")
    with transaction.atomic():
        resident = resident_model.objects.select_for_update().filter(id_hash=lookup_hash(number), moved_out__isnull=True).first()
        if resident is None or resident.name != name:
            raise DomainError("identity_mismatch", _("姓名与身份证号未能与居民档案对上，请核对，或到社区登记"), field="id_number")
        if User.objects.filter(resident=resident).exists():
            raise DomainError("identity_taken", _("该居民档案已关联其他账号，请到社区核实"), field="id_number")
        actor.resident = resident
        if not actor.display_name:
            actor.display_name = resident.name
        actor.save(update_fields=["resident", "display_name"])
        RoleAssignment.objects.get_or_create(user=actor, role=Role.RESIDENT, region=resident.grid,
                                             defaults={"region_path": resident.grid.path})
        actor._linli_roles = None  # type: ignore[attr-defined]
        forget_tokens_of(actor)
        record_audit(actor=actor, action="user.verify_identity", target=actor, region_path=resident.region_path,
                     label=resident.masked_id)
    return resident


# ---------------------------------------------------------------- staff of an area

def _refuse_grant(role: str, region: Any) -> DomainError:
    from linli.core.errors import PermissionDenied

    return PermissionDenied("role_out_of_reach", _("不能授予高于自己的角色或本辖区以外的角色"), role=role, region=region.code)


def _check_manage(actor: Any, user: User) -> None:
    from linli.core.errors import PermissionDenied

    from . import selectors

    if not selectors.can_manage(actor, user):
        raise PermissionDenied("not_your_staff", _("该账号不在您的管理范围内"))


def grant_role(*, actor: Any, user: User, role: str, region: Any) -> RoleAssignment:
    """An area admin grants ``role`` on ``region`` (inside their area, at most their own rank)."""
    from . import selectors

    if role not in Role.values:
        raise DomainError("unknown_role", _("未知角色"), role=role)
    if not selectors.can_grant(actor, role, region.path):
        raise _refuse_grant(role, region)
    if user.roles.filter(active=True).exists():
        _check_manage(actor, user)
    ra = assign_role(actor=actor, user=user, role=role, region=region)
    forget_tokens_of(user)
    return ra


@transaction.atomic
def revoke_role(*, actor: Any, assignment: RoleAssignment) -> None:
    from . import selectors

    if not selectors.can_grant(actor, assignment.role, assignment.region_path) or assignment.user_id == getattr(actor, "pk", None):
        raise _refuse_grant(assignment.role, assignment.region)
    assignment.active = False
    assignment.save(update_fields=["active"])
    forget_tokens_of(assignment.user)
    record_audit(actor=actor, action="role.revoke", target=assignment, region_path=assignment.region_path,
                 changes={"role": assignment.role, "region": assignment.region.code})


@transaction.atomic
def create_staff(*, actor: Any, username: str, password: str, role: str, region: Any, display_name: str = "",
                 phone: str = "") -> User:
    """A staff account with its first role, by an admin of the area (refused before anything is stored)."""
    from . import selectors

    username = clean_text(username, collapse=True)
    if not username:
        raise DomainError("invalid", _("请填写用户名"), field="username")
    if role not in Role.values:
        raise DomainError("unknown_role", _("未知角色"), role=role)
    if not selectors.can_grant(actor, role, region.path):
        raise _refuse_grant(role, region)
    user = create_user(actor=actor, username=username, password=password, display_name=display_name, phone=phone,
                       is_staff=False)
    assign_role(actor=actor, user=user, role=role, region=region)
    return user


@transaction.atomic
def set_active(*, actor: Any, user: User, active: bool) -> None:
    _check_manage(actor, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    forget_tokens_of(user)
    record_audit(actor=actor, action="user.activate" if active else "user.deactivate", target=user)


@transaction.atomic
def admin_reset_password(*, actor: Any, user: User, password: str) -> None:
    _check_manage(actor, user)
    _store_password(user, password)
    record_audit(actor=actor, action="user.password_reset_by_admin", target=user)
