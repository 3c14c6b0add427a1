"""Assistance plans (一户一策): per household, needs, measures, a responsible member and steps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    POLICY_AID = "policy_aid", _("Policy aid")
    MEDICAL = "medical", _("Medical")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing")
    DAILY_CARE = "daily_care", _("Daily care")


class PlanSource(models.TextChoices):
    """Where the need was found: the plan keeps the way back to it."""

    FLAG = "flag", _("Risk flag")
    HOUSEHOLD = "household", _("Household page")
    VISIT = "visit", _("Visit")
    REQUEST = "request", _("Resident request")


class Outcome(models.TextChoices):
    """How a plan ended (精准帮扶 outcomes); some change the household's status tags."""

    DIBAO_NEW = "dibao_new", _("Newly on low-income support (纳入低保)")
    DIBAO_RAISED = "dibao_raised", _("Low-income support raised (低保提档)")
    TEKUN = "tekun", _("Extreme-hardship support (纳入特困)")
    TEMPORARY_AID = "temporary_aid", _("Temporary assistance (临时救助)")
    MEDICAL_AID = "medical_aid", _("Medical assistance (医疗救助)")
    EMPLOYMENT = "employment", _("Employment support (就业帮扶)")
    EDUCATION = "education", _("Education support (教育帮扶)")
    RISK_CLEARED = "risk_cleared", _("Risk cleared (风险消除)")
    NOT_NEEDED = "not_needed", _("No assistance needed")


# Tags each outcome adds and removes on the household (through the households service).
OUTCOME_TAGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Outcome.DIBAO_NEW: (("low_income",), ()),
    Outcome.DIBAO_RAISED: (("low_income",), ()),
    Outcome.TEKUN: (("extreme_hardship",), ()),
    Outcome.RISK_CLEARED: ((), ("monitored",)),
}
# Outcomes that are a decision of the civil-affairs office: a done policy-aid step must show it.
POLICY_OUTCOMES = {Outcome.DIBAO_NEW, Outcome.DIBAO_RAISED, Outcome.TEKUN}


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="assistance_plans"
    )
    flag = models.OneToOneField(
        "flags.Flag", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan"
    )
    needs = models.TextField(_("needs"), blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    responsible = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance_plans",
        verbose_name=_("responsible member"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_kind = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, db_index=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    source = models.CharField(
        _("opened from"), max_length=10, choices=PlanSource.choices, default=PlanSource.HOUSEHOLD
    )
    # The visit or request the need came from (its id; those apps sit beside or above this one).
    source_ref = models.PositiveIntegerField(null=True, blank=True)
    area_code = models.CharField(_("area code"), max_length=18, db_index=True)
    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")
        # Open plans under an area, from the index alone (the dashboards).
        indexes = [models.Index(fields=["area_code", "status"], name="plan_area_status_idx")]
        constraints = [
            # One open plan per household need: the same visit or request opens it once.
            models.UniqueConstraint(
                fields=["household", "source", "source_ref"],
                condition=models.Q(status="open", source_ref__isnull=False),
                name="plan_one_open_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.created_at:%Y-%m-%d}"


class StepStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStep(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("step"), max_length=200)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    owner = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_steps",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "due_date", "id"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")

    def __str__(self) -> str:
        return self.title
