"""Optional photos (visits, requests): images only, at most 5 MB, re-encoded without metadata.

Re-encoding drops EXIF (GPS position, camera serial) and anything hidden after the image data;
the SPEC forbids using photos as location proof, so nothing of that kind is kept.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
# Long side of the stored copy: enough to read a document on a phone, small on a slow network.
STORED_LONG_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


def photo_clean(upload) -> ContentFile:
    """Check an uploaded photo and return a re-encoded JPEG; raise ValidationError if unusable."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is larger than 5 MB. Choose a smaller photo or leave it out."),
            code="photo_too_large",
        )
    not_image = ValidationError(
        _("This file is not a photo we can read. Choose a JPEG or PNG picture, or leave it out."),
        code="photo_not_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PHOTO_PIXELS:
                    raise not_image
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
                image.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE))
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_image from None
    except Image.DecompressionBombWarning:
        raise not_image from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
