"""Pages for requests: the assignee's list, village/township lists, detail with actions,
member and phone-line intake, grid QR posters, and the resident's public form and tracking."""

import contextlib

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas, prefix_q, visible
from wangge.appeals import public
from wangge.appeals.categories import HELP
from wangge.appeals.models import Category, Channel, EventKind, Rating, State
from wangge.appeals.posters import grid_qr_key, poster_png, qr_svg
from wangge.appeals.selectors import (
    ROWS_PER_PAGE,
    categories_of,
    category_for_township,
    for_rows,
    grid_for_qr,
    my_requests,
    overdue_q,
    request_for_user,
    request_list,
    request_timeline,
    request_track,
)
from wangge.appeals.services import (
    HANDLERS,
    PHONE_LINE_STAFF,
    can_handle,
    can_take_phone_calls,
    category_save,
    did_the_work,
    phone_index,
    request_accept,
    request_add_note,
    request_close,
    request_create,
    request_escalate,
    request_rate,
    request_resolve,
    request_start,
)
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, parse_phone
from wangge.core.images import photo_clean
from wangge.grids.models import Grid
from wangge.households.models import Household
from wangge.regions.models import Region


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You may not do that.")
    return exc.message


# ---------------------------------------------------------------- staff and member pages


def _rows(page, now):
    """Prepare each row of a request list in Python, once per page: the state's label
    (``get_state_display`` translates all six labels on every call), the deadline that runs
    and whether it has passed, and who is responsible — cheaper than template logic per row."""
    labels = {value: str(label) for value, label in State.choices}
    words = {State.SUBMITTED: _("accept by")}
    words[State.ACCEPTED] = words[State.IN_PROGRESS] = _("resolve by")
    for row in page:
        row.state_label = labels.get(row.state, row.state)
        due = row.accept_due_at if row.state == State.SUBMITTED else row.resolve_due_at
        row.due_word = words.get(row.state, "")
        row.due_at_text = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""
        row.is_overdue = bool(row.due_word and due and due < now)
        member, user = row.assignee_member, row.assignee_user
        row.who = (member.name if member else "") or (str(user) if user else "") or "—"
    return page


def request_mine(request):
    page = Paginator(for_rows(my_requests(request.user)), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "appeals/mine.html", {"page": _rows(page, timezone.now())})


def request_index(request):
    f = request.GET
    state = f.get("state", "")
    area_code = f.get("area", "")
    qs = request_list(
        request.user,
        state=state,
        area_code=area_code if area_code.isdigit() else "",
        category=f.get("category", ""),
        overdue=f.get("overdue") == "1",
        escalated=f.get("escalated") == "1",
        q=f.get("q", "")[:50],
    )
    page = Paginator(for_rows(qs), ROWS_PER_PAGE).get_page(f.get("page"))
    villages = visible(Region.objects.filter(level="village"), request.user, field="code")
    townships = sorted({p[:9] for p in area_prefixes(request.user) if len(p) >= 9})
    categories = []
    if len(townships) == 1:
        categories = list(categories_of(townships[0]))
    return render(
        request,
        "appeals/list.html",
        {
            "page": _rows(page, timezone.now()),
            "states": State.choices,
            "villages": villages,
            "categories": categories,
            "f": f,
            "now": timezone.now(),
        },
    )


ACTIONS = {
    State.SUBMITTED: ["accept", "escalate"],
    State.ACCEPTED: ["start", "resolve", "escalate"],
    State.IN_PROGRESS: ["resolve", "escalate"],
    State.RESOLVED: ["rate", "close"],
    State.RATED: ["close"],
    State.CLOSED: [],
}


def request_detail(request, pk: int):
    req = request_for_user(request.user, pk)
    handler = can_handle(request.user, req)
    actions = ACTIONS[req.state] if handler else []
    if req.state == State.RESOLVED and actions and did_the_work(request.user, req):
        actions = ["note"]  # the resident (or other staff) rates it; see request_rate
    return render(
        request,
        "appeals/detail.html",
        {
            "req": req,
            "events": request_timeline(req),
            "actions": actions,
            "ratings": Rating.choices,
            "overdue": type(req).objects.filter(pk=req.pk).filter(overdue_q()).exists(),
        },
    )


@require_POST
def request_act(request, pk: int):
    req = request_for_user(request.user, pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")[:2000]
    user = request.user
    done = {
        "accept": _("Accepted: you are now responsible for it."),
        "start": _("Marked as in progress."),
        "resolve": _("Marked as resolved; the resident is asked to rate it."),
        "escalate": _("Escalated to the next level."),
        "rate": _("Rating recorded."),
        "close": _("Closed."),
        "note": _("Note added."),
    }
    try:
        if action == "accept":
            request_accept(actor=user, request=req, note=note)
        elif action == "start":
            request_start(actor=user, request=req, note=note)
        elif action == "resolve":
            request_resolve(actor=user, request=req, note=note)
        elif action == "escalate":
            request_escalate(actor=user, request=req, reason=note)
        elif action == "rate":
            request_rate(actor=user, request=req, rating=request.POST.get("rating", ""), note=note)
        elif action == "close":
            request_close(actor=user, request=req, note=note)
        elif action == "note":
            request_add_note(actor=user, request=req, note=note)
        else:
            messages.error(request, _("Unknown action."))
            return redirect("appeals:detail", pk=req.pk)
    except PermissionDenied:
        raise
    except (ValidationError, DomainError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("appeals:detail", pk=req.pk)
    messages.success(request, done[action])
    return redirect("appeals:detail", pk=req.pk)


def _household_for(user, raw) -> Household | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    household = visible(Household.objects.select_related("area"), user).filter(pk=pk).first()
    if household is None:
        raise Http404
    return household


def request_new(request):
    """A member records a request for a household (from its page: ``?household=<id>``)."""
    household = _household_for(
        request.user, request.GET.get("household") or request.POST.get("household")
    )
    if household is None:
        messages.info(request, _("Open the household's page and choose “Record a request” there."))
        return redirect("households:household_list")
    categories = categories_of(household.township_code)
    errors: dict = {}
    if request.method == "POST":
        category = category_for_township(household.township_code, request.POST.get("category"))
        photo = None
        try:
            if request.FILES.get("photo"):
                photo = photo_clean(request.FILES["photo"])
            if category is None:
                raise ValidationError({"category": _("Choose a category.")})
            channel = request.POST.get("channel", Channel.MEMBER)
            if channel not in (Channel.MEMBER, Channel.VISIT):
                channel = Channel.MEMBER
            created = request_create(
                actor=request.user,
                household=household,
                category=category,
                text=request.POST.get("text", ""),
                channel=channel,
                contact_name=request.POST.get("contact_name", ""),
                contact_phone=request.POST.get("contact_phone", ""),
                photo=photo,
                idempotency_key=_user_key(request),
            )
        except (ValidationError, DomainError) as exc:
            errors = _field_errors(exc)
        else:
            messages.success(
                request, _("Request %(ticket)s recorded.") % {"ticket": created.ticket}
            )
            return redirect("appeals:detail", pk=created.pk)
    return render(
        request,
        "appeals/new.html",
        {
            "household": household,
            "categories": categories,
            "errors": errors,
            "post": request.POST,
            "form_key": request.POST.get("form_key") or public.uuid.uuid4().hex,
        },
    )


def _user_key(request) -> str | None:
    key = (request.POST.get("form_key") or "")[:40]
    return f"user{request.user.pk}:{key}" if key else None


def _field_errors(exc) -> dict:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            ("form" if k == NON_FIELD_ERRORS else k): " ".join(v)
            for k, v in exc.message_dict.items()
        }
    return {"form": _error_text(exc)}


def request_phone_intake(request):
    """Township staff enter a request that came by phone: grid (or household id) + details."""
    if not can_take_phone_calls(request.user):
        raise PermissionDenied(_("Only township staff take requests from the phone line."))
    # Only the areas where the user takes calls, not every area another role lets them read.
    phone_areas = area_prefixes(request.user, PHONE_LINE_STAFF)
    grids = (
        in_areas(Grid.objects.filter(layer__has_levels=True, level__in=(3, 4)), phone_areas)
        .select_related("area")
        .order_by("area_code", "level", "name")
    )
    townships = sorted({p[:9] for p in phone_areas if len(p) >= 9})
    errors: dict = {}
    if request.method == "POST":
        raw_grid = request.POST.get("grid", "")
        grid = grids.filter(pk=raw_grid).first() if raw_grid.isdigit() else None
        household = None
        try:
            if request.POST.get("household"):
                household = _household_for(request.user, request.POST.get("household"))
            township = (household or grid).township_code if (household or grid) else ""
            category = category_for_township(township, request.POST.get("category"))
            if household is None and grid is None:
                raise ValidationError({"grid": _("Choose the grid the caller lives in.")})
            if category is None:
                raise ValidationError({"category": _("Choose a category.")})
            created = request_create(
                actor=request.user,
                household=household,
                grid=grid,
                category=category,
                text=request.POST.get("text", ""),
                channel=Channel.PHONE_LINE,
                contact_name=request.POST.get("contact_name", ""),
                contact_phone=request.POST.get("contact_phone", ""),
                address=request.POST.get("address", ""),
                idempotency_key=_user_key(request),
            )
        except Http404:
            errors = {"household": _("No household with that number in your area.")}
        except (ValidationError, DomainError) as exc:
            errors = _field_errors(exc)
        else:
            messages.success(
                request, _("Request %(ticket)s recorded.") % {"ticket": created.ticket}
            )
            return redirect("appeals:detail", pk=created.pk)
    return render(
        request,
        "appeals/phone.html",
        {
            "grids": grids,
            "categories": categories_of(townships[0]) if townships else [],
            "errors": errors,
            "post": request.POST,
            "form_key": request.POST.get("form_key") or public.uuid.uuid4().hex,
        },
    )


def category_index(request):
    """The township's categories and time limits; the township office edits them."""
    townships = sorted({p[:9] for p in area_prefixes(request.user) if len(p) >= 9})
    if not townships:
        raise Http404
    township = request.GET.get("township") or request.POST.get("township") or townships[0]
    if township not in townships:
        raise Http404
    categories = Category.objects.filter(township_id=township).order_by("sort", "slug")
    categories_of(township)
    can_edit = any(
        township.startswith(p) for p in area_prefixes(request.user, {Role.TOWNSHIP_ADMIN})
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("Only the township office sets request categories and limits.")
            )
        pk = request.POST.get("pk", "")
        if pk and not pk.isdigit():
            raise Http404
        category = categories.filter(pk=pk).first() if pk else None
        if pk and category is None:
            raise Http404
        try:
            category_save(
                actor=request.user,
                township_code=township,
                category=category,
                name=request.POST.get("name", ""),
                accept_hours=_int(request.POST.get("accept_hours")),
                resolve_working_days=_int(request.POST.get("resolve_working_days")),
                urgent=request.POST.get("urgent") == "1",
                active=request.POST.get("active", "1") == "1",
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Category saved."))
        return redirect(f"{reverse('appeals:categories')}?township={township}")
    return render(
        request,
        "appeals/categories.html",
        {"categories": categories, "can_edit": can_edit, "township": township, "help": HELP},
    )


def _int(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- QR posters


def _grid_for_poster(user, pk: int) -> Grid:
    grid = visible(Grid.objects.select_related("area", "responsible"), user).filter(pk=pk).first()
    if grid is None:
        raise Http404
    if not any(grid.area_code.startswith(p) for p in area_prefixes(user, HANDLERS)):
        raise PermissionDenied(_("Only village and township staff print grid posters."))
    return grid


def grid_poster(request, pk: int):
    grid = _grid_for_poster(request.user, pk)
    url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
    return render(request, "appeals/poster.html", {"grid": grid, "url": url, "svg": qr_svg(url)})


def grid_posters(request):
    """Every service grid of levels 3–4 the user prints for, one poster per printed page."""
    handler_prefixes = area_prefixes(request.user, HANDLERS)
    if not handler_prefixes:
        raise PermissionDenied(_("Only village and township staff print grid posters."))
    area = request.GET.get("area", "")
    grids = in_areas(
        Grid.objects.filter(layer__has_levels=True, level__in=(3, 4)), handler_prefixes
    ).select_related("area", "responsible")
    if area.isdigit():
        grids = grids.filter(prefix_q("area_code", area))
    grids = list(grids.order_by("area_code", "level", "name")[:300])
    posters = []
    for grid in grids:
        url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
        posters.append({"grid": grid, "url": url, "svg": qr_svg(url)})
    villages = in_areas(Region.objects.filter(level="village"), handler_prefixes, field="code")
    return render(
        request,
        "appeals/posters.html",
        {"posters": posters, "villages": villages, "area": area},
    )


def grid_poster_png(request, pk: int):
    grid = _grid_for_poster(request.user, pk)
    url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
    response = HttpResponse(poster_png(grid, url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="grid-{grid.pk}-poster.png"'
    return response


def request_photo(request, pk: int):
    req = request_for_user(request.user, pk)
    if not req.photo:
        raise Http404
    response = FileResponse(req.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    return response


# ---------------------------------------------------------------- public pages (no account)


def _public_context(grid, **extra):
    challenge = public.challenge_new()
    return {
        "grid": grid,
        "categories": categories_of(grid.township_code),
        "challenge": challenge,
        **extra,
    }


@never_cache
def public_form(request, key: str):
    grid = grid_for_qr(key)
    if grid is None:
        raise Http404
    if request.method != "POST":
        return render(request, "appeals/public_form.html", _public_context(grid, post={}))
    post = request.POST
    errors: dict = {}
    ip = public.client_ip(request)
    try:
        form_key = public.challenge_check(
            post.get("token", ""), post.get("answer", ""), post.get("website", "")
        )
    except ValueError as exc:
        errors["form"] = str(exc)
        form_key = None
    category = category_for_township(grid.township_code, post.get("category"))
    if form_key and not errors:
        phone = (post.get("contact_phone") or "").strip()[:30]
        with contextlib.suppress(IdentityError):  # "139 1234 5678" is "13912345678"
            phone = parse_phone(phone, allow_landline=True)
        if public.rate_limited("submit_per_ip", ip) or (
            phone and public.rate_limited("submit_per_phone", phone_index(phone))
        ):
            errors["form"] = _(
                "Too many requests from this phone or connection. Please wait an hour, or call "
                "the township office."
            )
    if not errors:
        try:
            photo = photo_clean(request.FILES["photo"]) if request.FILES.get("photo") else None
            if category is None:
                raise ValidationError({"category": _("Choose a category.")})
            created = request_create(
                actor=None,
                grid=grid,
                category=category,
                text=post.get("text", ""),
                channel=Channel.PUBLIC_QR,
                contact_name=post.get("contact_name", ""),
                contact_phone=post.get("contact_phone", ""),
                address=post.get("address", ""),
                photo=photo,
                idempotency_key=form_key,
            )
        except (ValidationError, DomainError) as exc:
            errors = _field_errors(exc)
        else:
            return render(request, "appeals/public_done.html", {"req": created, "grid": grid})
    return render(
        request,
        "appeals/public_form.html",
        _public_context(grid, post=post, errors=errors),
        status=400,
    )


PUBLIC_EVENT_KINDS = {
    EventKind.CREATED,
    EventKind.ACCEPTED,
    EventKind.STARTED,
    EventKind.RESOLVED,
    EventKind.RATED,
    EventKind.REOPENED,
    EventKind.ESCALATED,
    EventKind.CLOSED,
}


@never_cache
def public_track(request):
    """Ticket + phone → state and a short timeline; any mismatch gets the same answer."""
    data = request.POST if request.method == "POST" else {}
    context: dict = {"ticket": data.get("ticket", "")[:20], "ratings": Rating.choices}
    if request.method == "POST":
        ip = public.client_ip(request)
        if public.rate_limited("track_per_ip", ip):
            context["error"] = _("Too many look-ups from this connection. Please wait an hour.")
            return render(request, "appeals/public_track.html", context, status=429)
        req = request_track(data.get("ticket", ""), data.get("phone", ""))
        if req is None:
            context["error"] = _(
                "No request matches this ticket number and phone. Check both and try again."
            )
            return render(request, "appeals/public_track.html", context, status=404)
        message = ""
        if data.get("rating"):
            try:
                req = request_rate(
                    actor=None, request=req, rating=data["rating"], note=data.get("note", "")
                )
                message = _("Thank you, your rating is recorded.")
            except (ValidationError, DomainError) as exc:
                context["error"] = _error_text(exc)
        events = [e for e in req.events.order_by("at", "id") if e.kind in PUBLIC_EVENT_KINDS]
        context.update(
            {"req": req, "events": events, "phone": data.get("phone", "")[:20], "message": message}
        )
    return render(request, "appeals/public_track.html", context)
