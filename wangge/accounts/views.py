import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from wangge.accounts.forms import ActivationForm, LargeTextForm, TwoFactorForm, safe_next
from wangge.accounts.throttle import THROTTLED, pause_message
from wangge.accounts.tokens import token_for_owner, token_revoke, tokens_of
from wangge.accounts.twofactor import (
    activation_code_valid,
    activation_failure_record,
    activation_pending,
    activation_tries_left,
    confirmed_device,
    enrolment_device,
    enrolment_restart,
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


ACTIVATION_SESSION_KEY = "wangge_2fa_activation"


def two_factor(request):
    """Enter the 6-digit code from the authenticator app; the first time, set the app up with
    the activation code the security administrator gave."""
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
    activation = None
    if enrolling:
        activation = activation_pending(user, request.session.get(ACTIVATION_SESSION_KEY))
        if activation is None:
            return _activation_step(request, target)
        device = enrolment_device(user)
    error = ""
    if form.is_bound:
        matched = None
        if form.is_valid():
            token = form.cleaned_data["token"]
            if enrolling:
                ok = two_factor_confirm(
                    user=user, device=device, token=token, activation=activation
                )
                matched = device if ok else None
            else:
                matched = two_factor_check(user, token)
        if matched is not None:
            request.session.pop(ACTIVATION_SESSION_KEY, None)
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


def _activation_step(request, target: str):
    """Before any authenticator is shown: the one-time activation code."""
    user = request.user
    form = ActivationForm(request.POST if "activation_code" in request.POST else None)
    error = ""
    if form.is_bound:
        if not activation_tries_left(user):
            error = _(
                "Too many wrong activation codes: wait 15 minutes, or ask the security "
                "administrator for a new code."
            )
        elif form.is_valid() and (
            code := activation_code_valid(user, form.cleaned_data["activation_code"])
        ):
            enrolment_restart(user)
            request.session[ACTIVATION_SESSION_KEY] = code.pk
            return HttpResponseRedirect(f"{request.path}?{urlencode({'next': target})}")
        else:
            activation_failure_record(user)
            error = _(
                "That activation code is not right, was used already or has expired. "
                "Check it, or ask the security administrator for a new one."
            )
    context = {"activating": True, "error": error, "next": target}
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)


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
