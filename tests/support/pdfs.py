"""Small PDFs that tests need and the corpus does not have."""

from __future__ import annotations

import io
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
