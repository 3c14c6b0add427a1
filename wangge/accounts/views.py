import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from wangge.accounts.forms import LargeTextForm, TwoFactorForm, safe_next
from wangge.accounts.throttle import THROTTLED, pause_message
from wangge.accounts.tokens import token_for_owner, token_revoke, tokens_of
from wangge.accounts.twofactor import (
    confirmed_device,
    enrolment_device,
    needs_two_factor,
    qr_svg,
    two_factor_check,
    two_factor_confirm,
)
from wangge.core.views import login_paused


@login_not_required
@require_POST
def toggle_large_text(request):
    """Large text (body ≥ 18 px) for older members; kept on the account and in a cookie."""
    form = LargeTextForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return HttpResponseRedirect("/")
    on = form.cleaned_data["on"]
    user = request.user
    if user.is_authenticated and user.large_text != on:
        user.large_text = on
        user.save(update_fields=["large_text"])
    target = safe_next(form.cleaned_data["next"], request.get_host())
    response = HttpResponseRedirect(target)
    response.set_cookie("large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        paused = getattr(self.request, THROTTLED, 0)
        if paused:
            return login_paused(self.request, pause_message(paused))
        return super().form_invalid(form)


def two_factor(request):
    """Set up (first time) or enter the 6-digit code from the authenticator app."""
    user = request.user
    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    requested = request.GET.get("next", "")
    if form.is_bound and (form.is_valid() or "next" in form.cleaned_data):
        requested = form.cleaned_data["next"] or requested
    target = safe_next(requested, request.get_host())
    if not needs_two_factor(user) or user.is_verified():
        return HttpResponseRedirect(target)
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = enrolment_device(user)
    error = ""
    if form.is_bound:
        matched = None
        if form.is_valid():
            token = form.cleaned_data["token"]
            if enrolling:
                ok = two_factor_confirm(user=user, device=device, token=token)
                matched = device if ok else None
            else:
                matched = two_factor_check(user, token)
        if matched is not None:
            otp_login(request, matched)
            return HttpResponseRedirect(target)
        error = _(
            "That code is not right. Enter the 6 digits the app shows now; "
            "check the phone's clock if it keeps failing."
        )
    context = {"enrolling": enrolling, "error": error, "next": target}
    if enrolling:
        context["qr_svg"] = qr_svg(device)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


def token_index(request):
    """The user's own API tokens (apps logged in with this account), each revocable."""
    return render(request, "accounts/token_index.html", {"tokens": tokens_of(request.user)})


@require_POST
def token_remove(request, pk: int):
    token = token_for_owner(request.user, pk)
    if token is None:
        raise Http404
    token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        _("Token %(prefix)s… revoked: the app using it must log in again.")
        % {"prefix": token.prefix},
    )
    return redirect("accounts:token_index")
