"""QR codes for printed pages (the request form's posters, the returnee form's): SVG, or a
picture for the PNG posters."""

import functools

import qrcode
import qrcode.image.svg


@functools.lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG; drawing one takes ~25 ms, and a grid's URL never changes,
    so each process keeps the last few hundred."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def qr_image(url: str, size: int):
    """The QR code of ``url`` as an RGB picture at most ``size`` pixels square (medium error
    correction: a poster survives a crease or a stain)."""
    qr = qrcode.QRCode(box_size=22, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    code.thumbnail((size, size))
    return code
