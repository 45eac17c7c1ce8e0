"""Uploaded photos: type and size checked, re-encoded so that no metadata (EXIF GPS position,
camera serial, …) survives."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


def clean_image(data: bytes, *, field: str = "photos") -> tuple[bytes, str, str]:
    """Returns (bytes without metadata, extension, content type) or raises DomainError."""
    if len(data) > MAX_BYTES:
        raise DomainError("file_too_large", _("照片不能超过8MB"), field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            probe.verify()
        if fmt not in FORMATS:
            raise DomainError("bad_image", _("只支持 JPG、PNG、WebP 格式的照片"), field=field)
        opened = Image.open(io.BytesIO(data))
        if opened.width * opened.height > MAX_PIXELS:
            raise DomainError("bad_image", _("照片尺寸过大"), field=field)
        img: Image.Image = ImageOps.exif_transpose(opened)  # keep the orientation, drop the EXIF block
        out = io.BytesIO()
        if fmt == "JPEG":
            img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        elif fmt == "PNG":
            img.save(out, "PNG", optimize=True)
        else:
            img.save(out, "WEBP", quality=85)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError("bad_image", _("无法识别的图片文件"), field=field) from exc
    ext, content_type = FORMATS[fmt]
    return out.getvalue(), ext, content_type


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def clean_document(data: bytes, *, field: str = "file") -> tuple[bytes, str, str]:
    """An uploaded document: a PDF as is, or an image cleaned like a photo (metadata stripped).
    Returns (bytes, extension, content type) or raises DomainError."""
    if not data:
        raise DomainError("invalid", _("文件为空"), field=field)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise DomainError("file_too_large", _("文件不能超过10MB"), field=field)
    if data[:5] == b"%PDF-":
        return data, "pdf", "application/pdf"
    try:
        return clean_image(data, field=field)
    except DomainError as exc:
        raise DomainError("bad_file", _("只支持 PDF 或 JPG、PNG、WebP 图片"), field=field) from exc
