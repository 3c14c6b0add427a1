"""Notice and feedback pages: thin; the forms parse, the services write, the selectors read."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import can_see_area, in_areas
from wangge.appeals.categories import categories_for
from wangge.core.errors import DomainError
from wangge.core.views import show_error, show_form_errors
from wangge.grids.models import GridLayer
from wangge.grids.selectors import grid_list
from wangge.imports.exporting import can_export
from wangge.notices.attachments import MAX_ATTACHMENTS, max_bytes
from wangge.notices.audience import Targets
from wangge.notices.forms import (
    AUDIENCE_ROLES,
    CloseForm,
    FeedbackForm,
    NoticeForm,
    NoticeRefForm,
    ReplyForm,
    ToOpinionForm,
    ToRequestForm,
)
from wangge.notices.models import Addressee, FeedbackState, NoticeKind, Topic
from wangge.notices.permissions import can_handle, is_reader, may_send_urgent, sender_areas
from wangge.notices.selectors import (
    attachment_for_user,
    campaigns_for_feedback,
    feedback_counts,
    feedback_for_user,
    feedback_queue,
    grids_for_feedback,
    inbox,
    is_staff_reader_of,
    my_feedback,
    notice_for_user,
    notice_reach,
    staff_notices,
)
from wangge.notices.services import (
    feedback_close,
    feedback_create,
    feedback_reply,
    feedback_to_opinion,
    feedback_to_request,
    notice_open,
    notice_send,
)
from wangge.party.models import Organisation
from wangge.regions.models import Level, Region


def notice_index(request):
    """The member's own notices, newest first: large cards that read on a phone."""
    page = Paginator(inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {
            "page": page,
            "is_reader": is_reader(request.user),
            "can_send": bool(sender_areas(request.user)),
        },
    )


def notice_sent(request):
    if not is_reader(request.user):
        raise PermissionDenied(_("Only township and village staff see the notices sent."))
    page = Paginator(staff_notices(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/sent.html",
        {
            "page": page,
            "can_send": bool(sender_areas(request.user)),
            "can_export": can_export(request.user),
            "export_query": urlencode(
                {k: v for k, v in request.GET.items() if k in ("area", "period")}
            ),
        },
    )


def _compose_choices(user) -> dict:
    codes = sender_areas(user)
    if not codes:
        raise PermissionDenied(
            _("Only the township office or the village's secretary may send notices here.")
        )
    return {
        "senders": list(Region.objects.filter(code__in=codes).order_by("code")),
        "areas": in_areas(
            Region.objects.filter(level__in=[Level.VILLAGE, Level.HAMLET]), codes, field="code"
        ).order_by("code"),
        "grids": in_areas(grid_list(user), codes).exclude(level=4).order_by("area_code", "level"),
        "layers": GridLayer.objects.order_by("sort", "slug"),
        "branches": in_areas(Organisation.objects.all(), codes).order_by("area_code", "name"),
    }


def notice_new(request):
    choices = _compose_choices(request.user)
    may_urgent = any(may_send_urgent(request.user, r.code) for r in choices["senders"])
    status = 200
    values = {"kind": NoticeKind.NOTICE, "topic": Topic.OTHER}
    values.update({k: [] for k in ("villages", "grids", "layers", "branches", "roles")})
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES, **choices)
        values = _shown(form)
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            targets = Targets(
                everyone=data["everyone"],
                areas=list(data["villages"]),
                grids=list(data["grids"]),
                layers=list(data["layers"]),
                branches=list(data["branches"]),
                roles=list(data["roles"]),
            )
            try:
                notice = notice_send(
                    actor=request.user,
                    area=Region.objects.get(code=data["area"]),
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    topic=data["topic"],
                    targets=targets,
                    urgent=data["urgent"],
                    by_sms=data["by_sms"],
                    files=data["attachments"],
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Notice sent to %(n)d people.") % {"n": notice.recipient_count},
                )
                return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/notice_form.html",
        {
            **choices,
            "values": values,
            "kinds": NoticeKind.choices,
            "topics": Topic.choices,
            "roles": AUDIENCE_ROLES,
            "may_urgent": may_urgent,
            "max_mb": max_bytes() // (1024 * 1024),
            "max_files": MAX_ATTACHMENTS,
        },
        status=status,
    )


def notice_detail(request, pk: int):
    notice = notice_for_user(request.user, pk)
    notice_open(user=request.user, notice=notice)
    staff = is_staff_reader_of(request.user, notice)
    return render(
        request,
        "notices/notice_detail.html",
        {
            "notice": notice,
            "attachments": list(notice.attachments.all()),
            "reach": notice_reach(request.user, notice) if staff else None,
        },
    )


def notice_attachment(request, pk: int, file_id: int):
    attachment = attachment_for_user(request.user, pk, file_id)
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.is_pdf,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- feedback ---------------------------------------------------------------------------------


def feedback_index(request):
    """The member's own threads; staff also get the queue, by topic, village and state."""
    reader = is_reader(request.user)
    topic = request.GET.get("topic", "")
    village = request.GET.get("village", "")
    state = request.GET.get("state", "")
    topic = topic if topic in Topic.values else ""
    state = state if state in FeedbackState.values else ""
    if village and not (village.isdigit() and can_see_area(request.user, village)):
        raise Http404  # an area outside the user's scope, or none at all
    context = {"mine": my_feedback(request.user)[:50], "is_reader": reader}
    if reader:
        queue = feedback_queue(request.user, topic=topic, village=village, state=state)
        context.update(
            page=Paginator(queue, 30).get_page(request.GET.get("page")),
            counts=feedback_counts(request.user),
            topic=topic,
            village=village,
            state=state,
            states=FeedbackState.choices,
        )
    return render(request, "notices/feedback_list.html", context)


def _shown(form, names=None) -> dict:
    """What the user sent, read through the bound form, to show the page again after an error
    (lists for the multiple choices, True/False for the boxes)."""
    values = {}
    for name in names or form.fields:
        value = form[name].value()
        values[name] = "" if value is None else value
    return values


def feedback_new(request):
    notice = None
    ref = NoticeRefForm(request.POST if request.method == "POST" else request.GET)
    if not ref.is_valid():
        raise Http404
    if ref.cleaned_data["notice"]:
        notice = notice_for_user(request.user, ref.cleaned_data["notice"])
    values = {
        "addressed_to": Addressee.TOWNSHIP,
        "topic": notice.topic if notice else Topic.OTHER,
        "subject": notice.title if notice else "",
        "text": "",
    }
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        values.update(_shown(form, ("addressed_to", "topic", "subject", "text")))
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            try:
                feedback = feedback_create(
                    actor=request.user,
                    subject=data["subject"],
                    text=data["text"],
                    topic=data["topic"],
                    addressed_to=data["addressed_to"],
                    notice=notice,
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(request, _("Your message was sent. You will find the reply here."))
                return redirect("notices:feedback_detail", pk=feedback.pk)
    return render(
        request,
        "notices/feedback_form.html",
        {
            "notice": notice,
            "values": values,
            "topics": Topic.choices,
            "addressees": Addressee.choices,
        },
        status=status,
    )


def feedback_detail(request, pk: int):
    feedback = feedback_for_user(request.user, pk)
    handler = can_handle(request.user, feedback.area_code)
    context = {
        "feedback": feedback,
        "replies": list(feedback.replies.all()),
        "handler": handler,
        "may_reply": feedback.state != FeedbackState.CLOSED
        and (handler or feedback.author_id == request.user.pk),
    }
    if handler and not (feedback.appeal_id or feedback.opinion_id):
        context["grids"] = grids_for_feedback(request.user, feedback)
        context["categories"] = categories_for(feedback.township_code)
        context["campaigns"] = campaigns_for_feedback(request.user, feedback)
    return render(request, "notices/feedback_detail.html", context)


@require_POST
def feedback_reply_view(request, pk: int):
    feedback = feedback_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            feedback_reply(actor=request.user, feedback=feedback, text=form.cleaned_data["text"])
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Reply sent."))
    return redirect("notices:feedback_detail", pk=feedback.pk)


@require_POST
def feedback_close_view(request, pk: int):
    feedback = feedback_for_user(request.user, pk)
    CloseForm(request.POST).is_valid()  # nothing to read: the thread is in the address
    try:
        feedback_close(actor=request.user, feedback=feedback)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Thread closed."))
    return redirect("notices:feedback_detail", pk=feedback.pk)


@require_POST
def feedback_to_request_view(request, pk: int):
    feedback = feedback_for_user(request.user, pk)
    if not can_handle(request.user, feedback.area_code):
        raise PermissionDenied(_("Only the staff this feedback was written to may do this."))
    form = ToRequestForm(
        request.POST,
        grids=grids_for_feedback(request.user, feedback),
        categories=categories_for(feedback.township_code),
    )
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("notices:feedback_detail", pk=feedback.pk)
    try:
        appeal = feedback_to_request(
            actor=request.user,
            feedback=feedback,
            grid=form.cleaned_data["grid"],
            category=form.cleaned_data["category"],
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Recorded as request %(ticket)s.") % {"ticket": appeal.ticket})
    return redirect("notices:feedback_detail", pk=feedback.pk)


@require_POST
def feedback_to_opinion_view(request, pk: int):
    feedback = feedback_for_user(request.user, pk)
    if not can_handle(request.user, feedback.area_code):
        raise PermissionDenied(_("Only the staff this feedback was written to may do this."))
    campaigns = campaigns_for_feedback(request.user, feedback)
    form = ToOpinionForm(request.POST, campaigns=campaigns)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("notices:feedback_detail", pk=feedback.pk)
    campaign = next(c for c in campaigns if c.pk == form.cleaned_data["campaign"])
    try:
        feedback_to_opinion(actor=request.user, feedback=feedback, campaign=campaign)
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(
            request, _("Recorded as an opinion of %(campaign)s.") % {"campaign": campaign.name}
        )
    return redirect("notices:feedback_detail", pk=feedback.pk)
