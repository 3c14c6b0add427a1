from django.conf import settings

from wangge.accounts.scope import may_export, role_set, sees_personal_data


def ui(request):
    user = getattr(request, "user", None)
    large = bool(getattr(user, "large_text", False)) or request.COOKIES.get("large_text") == "1"
    return {
        "large_text": large,
        "debug": settings.DEBUG,
        "my_roles": role_set(user),
        # Links only for those who may follow them (the rules live in accounts.scope).
        "may_export": may_export(user),
        "sees_personal_data": sees_personal_data(user),
    }
