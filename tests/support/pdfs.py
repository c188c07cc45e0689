"""Small PDFs that tests need and the corpus does not have."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from tests.support.synth.render import FONT


def table_with_header(path: Path, header: list[str], department: str = "广州市测试局") -> Path:
    """A one-page 项目支出绩效目标表 whose header has the given labels (e.g. ones that
    cannot be mapped to columns)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=landscape(A4))
    c.setFont(FONT, 16)
    c.drawCentredString(421, 520, "2025年项目支出绩效目标表")
    c.setFont(FONT, 10)
    c.drawString(30, 495, f"部门名称：{department}")
    c.setFont(FONT, 8)
    x = 30.0
    for label in header:
        c.rect(x, 450, 110, 25)
        c.drawCentredString(x + 55, 460, label)
        x += 110
    c.rect(30, 400, x - 30, 50)
    c.drawString(35, 420, "某项目 100.00")
    c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path


def deflate_bomb(megabytes: int) -> bytes:
    """A PDF whose one content stream is zeros deflated twice: a few KB that inflate to
    ``megabytes`` MB."""
    c = zlib.compressobj(9)
    zero = b"\0" * (1 << 20)
    inner = b"".join(c.compress(zero) for _ in range(megabytes)) + c.flush()
    outer = zlib.compress(inner, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(outer) + outer + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()
