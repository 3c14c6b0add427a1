"""Each grid's QR code (a stable, unguessable key) and a printable poster (SVG page or PNG).

The key (``grids.services.grid_qr_key``) and the SVG drawing (``core.qr``) live below, as the
epidemic campaign's returnee form prints QR codes too."""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from wangge.core.fonts import cjk_font
from wangge.core.qr import qr_image, qr_svg
from wangge.grids.models import Grid
from wangge.grids.services import grid_qr_key

__all__ = ["grid_qr_key", "poster_png", "qr_svg"]


def poster_png(grid: Grid, url: str) -> bytes:
    """An A5-ish portrait poster: title, grid name, QR code, the address in small print."""
    width, height = 1240, 1748
    poster = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle([0, 0, width, 220], fill=(178, 34, 34))
    title = _("Tell us your problem")
    draw.text((width // 2, 110), title, font=cjk_font(88), fill="white", anchor="mm")
    draw.text((width // 2, 320), grid.name, font=cjk_font(64), fill="black", anchor="mm")
    area = getattr(grid.area, "name", "")
    draw.text((width // 2, 410), area, font=cjk_font(44), fill=(80, 80, 80), anchor="mm")
    code = qr_image(url, 900)
    poster.paste(code, ((width - code.width) // 2, 480))
    lines = [
        _("Scan with your phone camera, fill in the short form, keep the ticket number."),
        _("Your grid member will answer; follow it with the ticket number and your phone."),
    ]
    y = 480 + code.height + 60
    for line in lines:
        draw.text((width // 2, y), line, font=cjk_font(38), fill="black", anchor="mm")
        y += 70
    draw.text((width // 2, height - 60), url, font=cjk_font(28), fill=(90, 90, 90), anchor="mm")
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()
