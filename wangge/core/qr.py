"""QR codes as SVG for printed pages (the request form's posters, the returnee form's)."""

import functools

import qrcode
import qrcode.image.svg


@functools.lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG; drawing one takes ~25 ms, and a grid's URL never changes,
    so each process keeps the last few hundred."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
