"""Variants of a rendered PDF that publishers produce: pages stored rotated (a /Rotate
entry), copying forbidden by an owner password, several departments in one file,
damaged files."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.constants import UserAccessPermissions


def rotate_pages(pdf: bytes) -> bytes:
    """Store every landscape page as a portrait page whose content is turned a quarter,
    with ``/Rotate 90`` so that viewers (and a correct parser) show it upright."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        if w > h:
            page.add_transformation(Transformation().rotate(90).translate(h, 0))
            page.mediabox.lower_left = (0, 0)
            page.mediabox.upper_right = (h, w)
            page.rotation = 90
    return _bytes(writer)


def forbid_copying(pdf: bytes, owner_password: str = "owner-secret") -> bytes:
    """Encrypt with an owner password only: opens without a password, copying forbidden."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(
        user_password="",
        owner_password=owner_password,
        algorithm="AES-128",
        permissions_flag=UserAccessPermissions.PRINT,
    )
    return _bytes(writer)


def encrypt(pdf: bytes, user_password: str) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password=user_password + "-owner", algorithm="AES-128")
    return _bytes(writer)


def concatenate(*pdfs: bytes) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    return _bytes(writer)


def truncate(pdf: bytes, fraction: float = 0.55) -> bytes:
    return pdf[: int(len(pdf) * fraction)]


def _bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
