"""Notice attachments: a PDF (recognised by its first bytes, whatever its name says) or a
picture (read by Pillow and re-encoded without metadata, as request photos are)."""

import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from wangge.core.images import photo_clean

PDF_MAGIC = b"%PDF-"
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return settings.WANGGE_NOTICE_ATTACHMENT_MAX_BYTES


def _display_name(raw: str, extension: str) -> str:
    base = os.path.basename(str(raw or "")).replace("\x00", "").strip() or _("attachment")
    stem, _ext = os.path.splitext(base)
    return f"{stem[:100]}{extension}"


def attachment_clean(upload) -> CleanFile:
    """A file fit to attach, or a ValidationError that says what to choose instead."""
    name = os.path.basename(str(getattr(upload, "name", "") or ""))[:100]
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” is larger than %(mb)d MB. Attach a smaller file, "
                    "or split the document."
                )
                % {"name": name, "mb": limit // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        data = upload.read()
        return CleanFile(
            content=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"),
            name=_display_name(name, ".pdf"),
            content_type="application/pdf",
            size=len(data),
        )
    try:
        picture = photo_clean(upload)
    except ValidationError:
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” is neither a PDF nor a picture. Attach PDF documents or "
                    "JPEG/PNG pictures only."
                )
                % {"name": name}
            }
        ) from None
    return CleanFile(
        content=picture,
        name=_display_name(name, ".jpg"),
        content_type="image/jpeg",
        size=picture.size,
    )


def attachments_clean(uploads) -> list[CleanFile]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}}
        )
    return [attachment_clean(upload) for upload in uploads]
