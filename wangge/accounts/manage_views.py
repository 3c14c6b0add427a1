"""Pages of the three administrators (S13 separation of duties): the system administrator
(accounts), the security administrator (roles) and the audit administrator (the audit log)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.forms import ActivationIssueForm, ActiveForm
from wangge.accounts.models import Role
from wangge.accounts.scope import administered_prefixes, has_role, in_areas
from wangge.accounts.selectors import (
    assignments_for_admin,
    audit_events_for_admin,
    users_for_admin,
)
from wangge.accounts.services import role_grant, role_revoke, user_create, user_set_active
from wangge.accounts.tokens import tokens_revoke_all
from wangge.accounts.twofactor import ACTIVATION_LIFETIME, activation_code_issue
from wangge.audit.services import audit_verify_chain
from wangge.core.forms import add_service_errors
from wangge.core.views import show_error
from wangge.regions.models import Level, Region

# Roles are granted over a county or anything below it.
GRANTABLE_LEVELS = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.HAMLET, Level.GROUP]


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    display_name = forms.CharField(label=gettext_lazy("Name shown"), max_length=50, required=False)
    password = forms.CharField(
        label=gettext_lazy("First password"),
        widget=forms.PasswordInput,
        help_text=gettext_lazy("At least 8 characters with three kinds: a-z, A-Z, 0-9, symbols."),
    )


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("User"), queryset=None)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=None)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_for_admin(admin)
        self.fields["area"].queryset = in_areas(
            Region.objects.filter(level__in=GRANTABLE_LEVELS),
            administered_prefixes(admin),
            field="code",
        ).order_by("code")


def _only(user, role: Role) -> None:
    if not has_role(user, role):
        raise PermissionDenied(_("This page is for the %(role)s.") % {"role": role.label})


def user_index(request):
    _only(request.user, Role.SYSTEM_ADMIN)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_index")
    page = Paginator(users_for_admin(request.user).prefetch_related("roles"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_index.html", {"form": form, "page": page})


@require_POST
def user_active(request, pk):
    _only(request.user, Role.SYSTEM_ADMIN)
    user = get_object_or_404(users_for_admin(request.user), pk=pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("accounts:user_index")
    try:
        user_set_active(actor=request.user, user=user, active=form.cleaned_data["active"])
    except ValidationError as exc:
        show_error(request, exc)
    return redirect("accounts:user_index")


@require_POST
def user_tokens_revoke(request, pk):
    """Revoke every API token of a user (a lost phone, a leaver, a suspicion)."""
    _only(request.user, Role.SYSTEM_ADMIN)
    user = get_object_or_404(users_for_admin(request.user), pk=pk)
    count = tokens_revoke_all(actor=request.user, user=user)
    messages.success(
        request,
        _("%(count)s API tokens of %(name)s revoked; their apps must log in again.")
        % {"count": count, "name": user.username},
    )
    return redirect("accounts:user_index")


def role_index(request, *, activation_form=None, issued=None):
    _only(request.user, Role.SECURITY_ADMIN)
    form = GrantForm(
        request.POST if request.method == "POST" and activation_form is None else None,
        admin=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:role_index")
    page = Paginator(assignments_for_admin(request.user), 50).get_page(request.GET.get("page"))
    activation_form = activation_form or ActivationIssueForm(
        users=users_for_admin(request.user), prefix="activation"
    )
    context = {"form": form, "page": page, "activation_form": activation_form, "issued": issued}
    return render(request, "accounts/role_index.html", context)


@never_cache
@require_POST
def activation_issue(request):
    """Issue a one-time code with which a user sets up their authenticator; shown once here."""
    _only(request.user, Role.SECURITY_ADMIN)
    form = ActivationIssueForm(
        request.POST, users=users_for_admin(request.user), prefix="activation"
    )
    issued = None
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            code = activation_code_issue(
                actor=request.user, user=user, reset=form.cleaned_data["reset"]
            )
        except PermissionDenied as exc:
            form.add_error("user", str(exc))
        else:
            issued = {
                "user": user,
                "code": code,
                "hours": int(ACTIVATION_LIFETIME.total_seconds() // 3600),
            }
    return role_index(request, activation_form=form, issued=issued)


@require_POST
def role_remove(request, pk):
    _only(request.user, Role.SECURITY_ADMIN)
    assignment = get_object_or_404(assignments_for_admin(request.user), pk=pk)
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:role_index")


def event_index(request):
    """The audit log, for the audit administrator only."""
    if not has_role(request.user, Role.AUDIT_ADMIN):
        raise PermissionDenied(_("This page is for the audit administrator."))
    action = (request.GET.get("action") or "").strip()[:40]
    events = audit_events_for_admin(request.user, action=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    verified = request.GET.get("verify") == "1"
    return render(
        request,
        "audit/event_index.html",
        {
            "page": page,
            "action": action,
            "verified": verified,
            "broken": audit_verify_chain() if verified else None,
        },
    )
