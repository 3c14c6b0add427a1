from django.conf import settings

from wangge.accounts.scope import role_set


def ui(request):
    user = getattr(request, "user", None)
    large = bool(getattr(user, "large_text", False)) or request.COOKIES.get("large_text") == "1"
    return {"large_text": large, "debug": settings.DEBUG, "my_roles": role_set(user)}
