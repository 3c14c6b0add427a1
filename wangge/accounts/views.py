from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


@login_not_required
@require_POST
def toggle_large_text(request):
    """Large text (body ≥ 18 px) for older members; kept on the account and in a cookie."""
    on = request.POST.get("on") == "1"
    user = request.user
    if user.is_authenticated and user.large_text != on:
        user.large_text = on
        user.save(update_fields=["large_text"])
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie("large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
