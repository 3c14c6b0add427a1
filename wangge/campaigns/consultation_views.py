"""Pages of the members consulted in a visit campaign: the list with its figures, and
recording one consultation with the member's opinions (one a line)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import area_prefixes, can_write_registry, prefix_q
from wangge.campaigns.consultation import (
    campaign_for_consultations,
    consultation_figures,
    consultation_list,
    consultation_record,
)
from wangge.core.forms import add_service_errors, writable
from wangge.grids.forms import MemberChoice
from wangge.party.models import Member


class ConsultationForm(forms.Form):
    member = MemberChoice(
        label=gettext_lazy("Member consulted"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a member from the list.")},
    )
    consulted_by = MemberChoice(
        label=gettext_lazy("Consulted by (optional)"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a member from the list.")},
    )
    day = forms.DateField(
        label=gettext_lazy("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the day as YYYY-MM-DD.")},
    )
    opinions = forms.CharField(
        label=gettext_lazy("Opinions about the grid scheme (one a line, may be empty)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            writable(Member.objects.select_related("organisation"), user)
            .filter(prefix_q("area_code", campaign.area_code))
            .defer("id_number", "phone")
            .order_by("area_code", "name")
        )
        self.fields["member"].queryset = members
        self.fields["consulted_by"].queryset = members


def consultation_index(request, pk):
    campaign = campaign_for_consultations(request.user, pk)
    page = Paginator(consultation_list(request.user, campaign), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/consultation/list.html",
        {
            "campaign": campaign,
            "page": page,
            "figures": consultation_figures(request.user, campaign),
            "can_record": any(
                can_write_registry(request.user, p) for p in area_prefixes(request.user)
            ),
        },
    )


def consultation_new(request, pk):
    campaign = campaign_for_consultations(request.user, pk)
    if not any(can_write_registry(request.user, p) for p in area_prefixes(request.user)):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    form = ConsultationForm(
        request.POST or None,
        user=request.user,
        campaign=campaign,
        initial={"day": min(timezone.localdate(), campaign.ends_on)},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consultation_record(
                    actor=request.user,
                    campaign=campaign,
                    member=form.cleaned_data["member"],
                    consulted_by=form.cleaned_data["consulted_by"],
                    day=form.cleaned_data["day"],
                    opinions=form.cleaned_data["opinions"].splitlines(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Consultation recorded."))
                return redirect("campaigns:consultation_list", pk=campaign.pk)
    return render(
        request,
        "campaigns/consultation/form.html",
        {"campaign": campaign, "form": form},
        status=status,
    )
