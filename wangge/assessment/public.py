"""The public member page (三亮: 亮身份、亮职责、亮承诺) and its QR door plate.

The page is reached by an unguessable token, never the member's id, and shows only what a
member shows on their door: name, branch, grid, duties, commitments and stars. Never an ID
number, phone, address, age or household tag.
"""

import io
import secrets

import qrcode
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from wangge.appeals.posters import grid_qr_key
from wangge.assessment.models import PublicPage, Visibility
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.core.fonts import cjk_font
from wangge.grids.models import Grid, GridMember
from wangge.households.models import Household
from wangge.party.models import Member, Position
from wangge.regions.models import Region
from wangge.visits.models import Visit


def new_token() -> str:
    return secrets.token_urlsafe(16)


def pages_create(members: QuerySet) -> int:
    """A page for each of ``members`` that has none (called when members are created, through
    ``party.hooks``; the data migration did the same for the members there were)."""
    missing = members.filter(public_page__isnull=True).values_list("pk", flat=True)
    rows = [PublicPage(member_id=pk, token=new_token()) for pk in missing]
    PublicPage.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def page_for(member: Member) -> PublicPage:
    """The member's page, made with the member (``pages_create``, through ``party.hooks``)."""
    return get_object_or_404(PublicPage, member=member)


def shown_q(prefix: str = "") -> Q:
    """Pages that are shown: by choice, or by default when the member is not mobile."""
    return Q(**{f"{prefix}visibility": Visibility.SHOWN}) | Q(
        **{f"{prefix}visibility": Visibility.AUTO, f"{prefix}member__is_mobile": False}
    )


def page_by_token(token: str) -> PublicPage | None:
    if not token or len(token) > 32:
        return None
    return (
        PublicPage.objects.filter(shown_q(), token=token)
        .select_related("member", "member__organisation", "member__area")
        .first()
    )


@transaction.atomic
def page_update(*, actor, member: Member, commitments: str, visibility: str) -> PublicPage:
    """The member edits their own commitments and whether their page is shown."""
    if getattr(actor, "member_id", None) != member.pk:
        raise DomainError(_("Only the member edits their own public page."), code="forbidden")
    if visibility not in Visibility.values:
        raise DomainError(_("Choose whether your page is shown."))
    commitments = (commitments or "").strip()
    if len(commitments) > 1000:
        raise DomainError(_("Keep your commitments under 1000 characters."))
    page = page_for(member)
    page.commitments = commitments
    page.visibility = visibility
    page.save(update_fields=["commitments", "visibility", "updated_at"])
    audit_record(actor=actor, action="public_page.update", obj=member, detail={"v": visibility})
    return page


def duties_of(member: Member) -> list[str]:
    """What the member is responsible for, from their positions and grid places."""
    out = [
        f"{p.organisation.name} · {p.title}"
        for p in Position.objects.filter(member=member).select_related("organisation")
    ]
    for gm in GridMember.objects.filter(member=member).select_related("grid", "grid__layer"):
        duty = gm.duty or _("grid member")
        out.append(f"{gm.grid.name} · {duty}")
    for grid in Grid.objects.filter(responsible=member):
        out.append(f"{grid.name} · {_('first responsible person')}")
    return list(dict.fromkeys(out))


def grid_of(member: Member) -> Grid | None:
    """The grid residents reach the member through: the one they answer for, else their first."""
    grid = Grid.objects.filter(responsible=member).order_by("level", "pk").first()
    if grid is None:
        gm = GridMember.objects.filter(member=member).select_related("grid").order_by("pk")
        grid = gm.first().grid if gm.exists() else None
    return grid


def request_form_key(grid: Grid | None) -> str | None:
    return grid_qr_key(grid) if grid is not None else None


# --- residents served (服务群众) -----------------------------------------------------------


def served_households(members: QuerySet) -> QuerySet:
    """Households a member visited or whose request a member handled."""
    from wangge.appeals.models import Appeal  # appeals sits below assessment

    visited = Visit.objects.filter(member__in=members).values("household_id")
    handled = Appeal.objects.filter(assignee_member__in=members, household__isnull=False).values(
        "household_id"
    )
    return Household.objects.filter(Q(pk__in=visited) | Q(pk__in=handled))


def residents_served(members: QuerySet) -> dict:
    """Members who served anyone, and the distinct people in the households they served."""
    from wangge.appeals.models import Appeal

    households = served_households(members)
    serving = members.filter(
        Q(pk__in=Visit.objects.values("member_id"))
        | Q(pk__in=Appeal.objects.filter(household__isnull=False).values("assignee_member_id"))
    )
    return {
        "members": members.count(),
        "members_serving": serving.count(),
        "households": households.count(),
        "residents": households.aggregate(n=Sum("size"))["n"] or 0,
    }


# --- the QR door plate -------------------------------------------------------------------


def township_name(member: Member) -> str:
    region = Region.objects.filter(code=member.township_code).first()
    return region.name if region else ""


def door_plate_png(member: Member, url: str) -> bytes:
    """A door plate: the township, 共产党员户, the member's name and branch, the QR code."""
    width, height = 1240, 1600
    plate = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(plate)
    draw.rectangle([0, 0, width, 260], fill=(178, 34, 34))
    draw.text((width // 2, 90), township_name(member), font=cjk_font(56), fill="white", anchor="mm")
    draw.text(
        (width // 2, 190), _("Party member household"), font=cjk_font(88), fill="white", anchor="mm"
    )
    draw.text((width // 2, 360), member.name, font=cjk_font(80), fill="black", anchor="mm")
    draw.text(
        (width // 2, 460),
        member.organisation.name,
        font=cjk_font(48),
        fill=(80, 80, 80),
        anchor="mm",
    )
    qr = qrcode.QRCode(box_size=20, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    code.thumbnail((820, 820))
    plate.paste(code, ((width - code.width) // 2, 540))
    y = 540 + code.height + 70
    line = _("Scan to see my duties and commitments, rate my service or ask for help.")
    draw.text((width // 2, y), line, font=cjk_font(38), fill="black", anchor="mm")
    draw.text((width // 2, height - 60), url, font=cjk_font(26), fill=(90, 90, 90), anchor="mm")
    out = io.BytesIO()
    plate.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG (vector: sharp at any print size)."""
    from qrcode.image.svg import SvgPathImage

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    svg = qr.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    return svg[svg.index("<svg") :]  # no XML declaration inside the HTML


def door_plate_pdf(member: Member, url: str) -> bytes:
    """The plate as a one-page A5 PDF of real text (searchable and copyable, in the CJK fonts
    of fonts-noto-cjk, as the reports' PDFs) with the QR code as a vector drawing."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    grid = grid_of(member)
    html = render_to_string(
        "assessment/public/plate_print.html",
        {
            "township": township_name(member),
            "member_name": member.name,
            "branch": member.organisation.name,
            "grid": grid.name if grid is not None else "",
            "qr_svg": _qr_svg(url),
            "url": url,
        },
    )
    return HTML(string=html).write_pdf()
