"""Demo logins: one per role, named so a tester can guess them, sharing one password."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.twofactor import activation_code_issue, confirmed_device, needs_two_factor
from wangge.demo import vocabulary as V


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    area: str
    display_name: str
    member_id: int | None = None


def demo_logins(result=None) -> list[DemoLogin]:
    """Every demo login; with a build result, the member logins are linked to real members."""
    township = V.TOWNSHIP[0]
    logins = [DemoLogin("township-admin", Role.TOWNSHIP_ADMIN, township, "凉泉乡组织办")]
    for code, _name, short, *_rest in V.VILLAGES:
        logins.append(DemoLogin(f"leader-{code}", Role.TOWNSHIP_LEADER, code, f"{short}包村领导"))
        secretary = result.secretaries.get(code) if result else None
        logins.append(
            DemoLogin(
                f"secretary-{code}",
                Role.VILLAGE_SECRETARY,
                code,
                secretary.name if secretary else f"{short}书记",
                secretary.pk if secretary else None,
            )
        )
        ordinary = []
        if result:
            ordinary = [
                m
                for m in result.members_by_village.get(code, [])
                if m.pk not in result.position_holders and not m.is_mobile
            ][:3]
        for n in range(1, 4):
            member = ordinary[n - 1] if len(ordinary) >= n else None
            logins.append(
                DemoLogin(
                    f"member-{code}-{n}",
                    Role.MEMBER,
                    code,
                    member.name if member else f"{short}党员{n}",
                    member.pk if member else None,
                )
            )
    logins += [
        DemoLogin("discipline", Role.DISCIPLINE, township, "乡纪委"),
        DemoLogin("data-officer", Role.DATA_OFFICER, township, "部门数据专员"),
        DemoLogin("sysadmin", Role.SYSTEM_ADMIN, township, "系统管理员"),
        DemoLogin("secadmin", Role.SECURITY_ADMIN, township, "安全管理员"),
        DemoLogin("auditadmin", Role.AUDIT_ADMIN, township, "审计管理员"),
    ]
    return logins


def create_demo_users(result) -> list[User]:
    """Create the demo logins with ``settings.DEMO_PASSWORD``; refused in production."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "Production settings refuse demo users: they share one published password."
        )
    # One hash for all: they share the password, and hashing 56 times would take seconds.
    encoded = make_password(settings.DEMO_PASSWORD)
    logins = demo_logins(result)
    users = User.objects.bulk_create(
        [
            User(
                username=login.username,
                display_name=login.display_name,
                password=encoded,
                member_id=login.member_id,
            )
            for login in logins
        ]
    )
    if any(u.pk is None for u in users):
        ids = dict(User.objects.values_list("username", "pk"))
        for user in users:
            user.pk = ids[user.username]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=user.pk, role=login.role, area_id=login.area)
            for user, login in zip(users, logins, strict=True)
        ]
    )
    return users


def demo_activation_codes() -> list[tuple[str, str]]:
    """Fresh activation codes for the demo logins that need a second login step and have not
    set it up yet, so a developer can log in as them (issued as by the command line)."""
    codes = []
    for login in demo_logins():
        user = User.objects.filter(username=login.username).first()
        if user is None or not needs_two_factor(user) or confirmed_device(user) is not None:
            continue
        codes.append((login.username, activation_code_issue(actor=None, user=user)))
    return codes
