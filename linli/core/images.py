"""Uploaded photos: type and size checked, re-encoded so that no metadata (EXIF GPS position,
camera serial, …) survives.

Decoding is the costly part, and a small file can describe a huge picture (a 150 KB PNG of
6300×6300 took 3.9 s of CPU and 150 MB to decode and re-encode). So the dimensions are read
from the header before anything is decoded and a photo above ``MAX_PIXELS`` is refused at once;
a JPEG is decoded at a reduced scale when it is larger than what is kept (``MAX_SIDE``); what is
kept is scaled down to ``MAX_SIDE``; and one request may decode at most
``MAX_REQUEST_PIXELS`` in all (several photos of one form), counted in ``image_budget()``,
which the request middleware opens for every request."""

from __future__ import annotations

import contextlib
import contextvars
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 25_000_000  # a 48 MP phone's binned 12 MP photo passes; 6300×6300 does not
MAX_SIDE = 2560  # the longest side kept (enough for a work-order photo or an offering's gallery)
MAX_REQUEST_PIXELS = 100_000_000  # decoded per request, over all its photos
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}

# pixels decoded so far in this request (None outside a request: scripts and tests set their own)
_decoded: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("linli_image_budget", default=None)


@contextlib.contextmanager
def image_budget(limit: int = MAX_REQUEST_PIXELS) -> Iterator[None]:
    token = _decoded.set([0, limit])
    try:
        yield
    finally:
        _decoded.reset(token)


def _spend(pixels: int, field: str) -> None:
    budget = _decoded.get()
    if budget is None:
        return
    if budget[0] + pixels > budget[1]:
        raise DomainError("too_much_image_work", _("一次上传的照片总尺寸过大，请分几次上传或缩小照片后再试"), field=field)
    budget[0] += pixels


def clean_image(data: bytes, *, field: str = "photos") -> tuple[bytes, str, str]:
    """Returns (bytes without metadata, extension, content type) or raises DomainError."""
    if len(data) > MAX_BYTES:
        raise DomainError("file_too_large", _("照片不能超过8MB"), field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            fmt = probe.format or ""
            width, height = probe.size
            probe.verify()
        if fmt not in FORMATS:
            raise DomainError("bad_image", _("只支持 JPG、PNG、WebP 格式的照片"), field=field)
        if width * height > MAX_PIXELS:
            raise DomainError("image_too_large", _("照片尺寸过大(%(w)s×%(h)s 像素)，请上传不超过2500万像素的照片") % {
                "w": width, "h": height}, field=field, width=width, height=height, max_pixels=MAX_PIXELS)
        opened = Image.open(io.BytesIO(data))
        if fmt == "JPEG":
            opened.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 scale when that is still large enough
        _spend(opened.width * opened.height, field)
        img: Image.Image = ImageOps.exif_transpose(opened)  # keep the orientation, drop the EXIF block
        if max(img.size) > MAX_SIDE:
            img.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        if fmt == "JPEG":
            img.convert("RGB").save(out, "JPEG", quality=85)
        elif fmt == "PNG":
            img.save(out, "PNG", compress_level=6)
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
        if exc.code in ("image_too_large", "too_much_image_work"):
            raise  # an image, only too large: say so
        raise DomainError("bad_file", _("只支持 PDF 或 JPG、PNG、WebP 图片"), field=field) from exc


def named_document(name: str, data: bytes, *, field: str = "file") -> tuple[str, bytes]:
    """An uploaded document to keep under a clean name: (``<stem>.<ext>``, cleaned bytes), the
    extension the one its content proves (``clean_document``), never the one it was sent with."""
    from .text import clean_text

    clean, ext, _ctype = clean_document(data, field=field)
    stem = clean_text(name or "", collapse=True, limit=60).rsplit(".", 1)[0] or "document"
    return f"{stem}.{ext}", clean
