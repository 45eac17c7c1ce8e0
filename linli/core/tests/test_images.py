"""A photo's decoding work is bounded: huge dimensions are refused from the header, before any
decoding, and one request decodes a bounded number of pixels in all."""

import io
import time

import pytest
from PIL import Image

from linli.core.errors import DomainError
from linli.core.images import MAX_SIDE, clean_document, clean_image, image_budget


def png(width, height):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 100, 50)).save(buf, "PNG")
    return buf.getvalue()


def jpeg(width, height):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (20, 100, 50)).save(buf, "JPEG")
    return buf.getvalue()


def test_a_small_file_of_huge_dimensions_is_refused_at_once_with_a_clear_message():
    data = png(6300, 6300)
    assert len(data) < 200_000  # the file itself is small
    for check in (clean_image, clean_document):
        started = time.process_time()
        with pytest.raises(DomainError) as exc:
            check(data)
        assert time.process_time() - started < 0.3  # nothing was decoded
        assert exc.value.code == "image_too_large"
        assert "照片尺寸过大" in str(exc.value.message) and "6300×6300" in str(exc.value.message)


def test_large_photos_are_kept_scaled_down():
    out, ext, ctype = clean_image(jpeg(4032, 3024))
    assert (ext, ctype) == ("jpg", "image/jpeg")
    assert max(Image.open(io.BytesIO(out)).size) == MAX_SIDE
    small, _e, _c = clean_image(png(64, 48))
    assert Image.open(io.BytesIO(small)).size == (64, 48)


def test_one_request_decodes_a_bounded_number_of_pixels():
    data = png(2000, 2000)  # 4 MP each
    with image_budget(limit=10_000_000):
        clean_image(data)
        clean_image(data)
        with pytest.raises(DomainError) as exc:
            clean_image(data)
    assert exc.value.code == "too_much_image_work" and "总尺寸过大" in str(exc.value.message)
    clean_image(data)  # outside that request's budget again
