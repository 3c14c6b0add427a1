"""Each grid's QR code (a stable, unguessable key) and a printable poster (SVG page or PNG)."""

import functools
import io
import secrets
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from wangge.grids.models import Grid

FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto")]
FONT_NAMES = ["NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"]


def grid_qr_key(grid: Grid) -> str:
    """The grid's key, made once (conditional update: two printers at once get the same key)."""
    if grid.qr_key:
        return grid.qr_key
    Grid.objects.filter(pk=grid.pk, qr_key__isnull=True).update(qr_key=secrets.token_urlsafe(12))
    grid.qr_key = Grid.objects.filter(pk=grid.pk).values_list("qr_key", flat=True).get()
    return grid.qr_key


@functools.lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG; drawing one takes ~25 ms, and a grid's URL never changes,
    so each process keeps the last few hundred."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def _font(size: int):
    for folder in FONT_DIRS:
        for name in FONT_NAMES:
            path = folder / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def poster_png(grid: Grid, url: str) -> bytes:
    """An A5-ish portrait poster: title, grid name, QR code, the address in small print."""
    width, height = 1240, 1748
    poster = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle([0, 0, width, 220], fill=(178, 34, 34))
    title = _("Tell us your problem")
    draw.text((width // 2, 110), title, font=_font(88), fill="white", anchor="mm")
    draw.text((width // 2, 320), grid.name, font=_font(64), fill="black", anchor="mm")
    area = getattr(grid.area, "name", "")
    draw.text((width // 2, 410), area, font=_font(44), fill=(80, 80, 80), anchor="mm")
    qr = qrcode.QRCode(box_size=22, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    code.thumbnail((900, 900))
    poster.paste(code, ((width - code.width) // 2, 480))
    lines = [
        _("Scan with your phone camera, fill in the short form, keep the ticket number."),
        _("Your grid member will answer; follow it with the ticket number and your phone."),
    ]
    y = 480 + code.height + 60
    for line in lines:
        draw.text((width // 2, y), line, font=_font(38), fill="black", anchor="mm")
        y += 70
    draw.text((width // 2, height - 60), url, font=_font(28), fill=(90, 90, 90), anchor="mm")
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()
