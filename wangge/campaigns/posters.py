"""The epidemic returnee form's poster for each grid, to print and post: a PNG (to send on a
phone or print from one) and a PDF of real text (searchable, sharp at any size: WeasyPrint in
the CJK fonts of fonts-noto-cjk, as the door plate and the reports), the QR code drawn as a
vector. Both carry the township's and the grid's names."""

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from wangge.core.fonts import cjk_font
from wangge.core.qr import qr_image, qr_svg
from wangge.grids.models import Grid
from wangge.regions.codes import TOWNSHIP_LENGTH
from wangge.regions.models import Region


def township_names(grids) -> dict[str, str]:
    codes = {grid.area_code[:TOWNSHIP_LENGTH] for grid in grids}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def poster_lines() -> tuple[str, str]:
    return (
        _("Back home? Register here"),
        _("Scan with your phone camera and fill in the short form: no account needed."),
    )


def returnee_poster_png(grid: Grid, township: str, url: str) -> bytes:
    """An A5 portrait poster: the township, the title, the grid and its place, the QR code,
    one line of how, the address in small print."""
    width, height = 1240, 1748
    title, how = poster_lines()
    poster = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle([0, 0, width, 280], fill=(178, 34, 34))
    draw.text((width // 2, 85), township, font=cjk_font(56), fill="white", anchor="mm")
    draw.text((width // 2, 195), title, font=cjk_font(84), fill="white", anchor="mm")
    draw.text((width // 2, 380), grid.name, font=cjk_font(64), fill="black", anchor="mm")
    area = getattr(grid.area, "name", "")
    draw.text((width // 2, 470), area, font=cjk_font(44), fill=(80, 80, 80), anchor="mm")
    code = qr_image(url, 860)
    poster.paste(code, ((width - code.width) // 2, 540))
    y = 540 + code.height + 70
    for line in _wrapped(draw, how, cjk_font(38), width - 160):
        draw.text((width // 2, y), line, font=cjk_font(38), fill="black", anchor="mm")
        y += 60
    draw.text((width // 2, height - 60), url, font=cjk_font(26), fill=(90, 90, 90), anchor="mm")
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrapped(draw, text: str, font, width: int) -> list[str]:
    """``text`` in lines no wider than ``width``: broken between words, or between characters
    where there are no spaces (Chinese)."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    for word in words:
        line = f"{lines[-1]}{joiner}{word}" if lines else word
        if lines and draw.textlength(line, font=font) <= width:
            lines[-1] = line
        else:
            lines.append(word)
    return lines


def _svg(url: str) -> str:
    svg = qr_svg(url)
    return svg[svg.index("<svg") :]  # no XML declaration inside the HTML


def returnee_posters_pdf(posters: list[dict]) -> bytes:
    """One A5 page per poster (``grid``, ``township``, ``url``)."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    title, how = poster_lines()
    pages = [
        {
            "township": p["township"],
            "grid": p["grid"].name,
            "area": getattr(p["grid"].area, "name", ""),
            "url": p["url"],
            "qr_svg": _svg(p["url"]),
        }
        for p in posters
    ]
    html = render_to_string(
        "campaigns/epidemic/qr_print.html", {"pages": pages, "title": title, "how": how}
    )
    return HTML(string=html).write_pdf()
