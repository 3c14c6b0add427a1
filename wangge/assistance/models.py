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
