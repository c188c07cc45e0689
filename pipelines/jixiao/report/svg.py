"""Static SVG charts (no scripts, no fonts to fetch): the report opens offline anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..textable import display_width

PALETTE = ("#2f6db5", "#e07b39", "#3a9a5b", "#b8434c", "#7b5ea7", "#8c6d46", "#d46fb0", "#6b7a8f")
POSITIVE, NEGATIVE, MUTED = "#3a9a5b", "#b8434c", "#9aa3ad"
FONT = "font-family='Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif'"
CHAR_PX = 6.6  # an ASCII character at 12px; a CJK character is two of them


def _text_px(text: str) -> float:
    return display_width(text) * CHAR_PX


def _fmt(v: float) -> str:
    return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"


def _label(
    x: float, y: float, text: str, anchor: str = "end", size: int = 12, fill: str = "#222", weight: str = "normal"
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' font-size='{size}' fill='{fill}' "
        f"font-weight='{weight}' {FONT}>{escape(text)}</text>"
    )


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' role='img' aria-label='{escape(title)}' "
        f"width='{width:.0f}' height='{height:.0f}' viewBox='0 0 {width:.0f} {height:.0f}'>"
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


LINE_PX = 14  # the height of one line of a 12px label


def _wrap(text: str, px: float, max_lines: int = 3) -> list[str]:
    """``text`` in lines no wider than ``px``: a long project name wraps rather than being
    cut; only a name longer than ``max_lines`` lines ends in … (its whole text is in the
    bar's tooltip and the table)."""
    lines: list[str] = []
    line = ""
    # balanced lines: as many as needed, each about as wide as the others (no one-character tail)
    needed = max(1, -(-int(_text_px(text)) // max(1, int(px))))
    width = min(px, _text_px(text) / needed + 2 * CHAR_PX)
    for ch in text:
        if line and _text_px(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _text_px(last + "…") > px:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines or [""]


def _label_lines(x: float, y_mid: float, lines: list[str], anchor: str = "end") -> str:
    """A right-aligned multi-line label centred on ``y_mid``."""
    top = y_mid - (len(lines) - 1) * LINE_PX / 2 + 4
    spans = "".join(
        f"<tspan x='{x:.1f}' y='{top + i * LINE_PX:.1f}'>{escape(line)}</tspan>" for i, line in enumerate(lines)
    )
    return f"<text text-anchor='{anchor}' font-size='12' fill='#222' {FONT}>{spans}</text>"


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    unit: str = "万元",
    width: int = 900,
) -> str:
    """Horizontal bars, one group per category, one bar per series (e.g. per year)."""
    label_w = min(320.0, max((_text_px(c) for c in categories), default=60) + 12)
    bar_h, gap = 11, 9
    top, legend_h = 8, 26
    labels = [_wrap(c, label_w - 14) for c in categories]
    heights = [max(len(series) * bar_h, len(lines) * LINE_PX) + gap for lines in labels]
    height = top + sum(heights) + legend_h + 8
    plot_w = width - label_w - 90
    vmax = max((v for _, vals in series for v in vals if v is not None), default=0) or 1
    body: list[str] = []
    y0 = float(top)
    for i, cat in enumerate(categories):
        group_h = heights[i]
        body.append(_label_lines(label_w - 8, y0 + (group_h - gap) / 2, labels[i]))
        bars_top = y0 + (group_h - gap - len(series) * bar_h) / 2
        for j, (name, vals) in enumerate(series):
            v = vals[i]
            if v is None:
                continue
            w = max(1.0, plot_w * v / vmax)
            y = bars_top + j * bar_h
            body.append(
                f"<rect class='bar' x='{label_w:.1f}' y='{y:.1f}' width='{w:.1f}' height='{bar_h - 2}' "
                f"fill='{PALETTE[j % len(PALETTE)]}'><title>{escape(cat)} {escape(name)}: "
                f"{_fmt(v)} {unit}</title></rect>"
            )
            body.append(_label(label_w + w + 4, y + bar_h - 3, _fmt(v), "start", 10, "#555"))
        y0 += group_h
    ly = height - legend_h + 6
    x = label_w
    for j, (name, _) in enumerate(series):
        body.append(f"<rect x='{x:.1f}' y='{ly:.1f}' width='12' height='12' fill='{PALETTE[j % len(PALETTE)]}'/>")
        body.append(_label(x + 16, ly + 10, name, "start", 12))
        x += 16 + _text_px(name) + 18
    body.append(_label(width - 4, ly + 10, unit, "end", 11, "#777"))
    return _svg(width, height, body, title)


def diverging_bars(items: Sequence[tuple[str, float]], *, title: str, unit: str = "万元", width: int = 900) -> str:
    """Increases to the right (green), cuts to the left (red), around zero."""
    label_w = min(320.0, max((_text_px(t) for t, _ in items), default=60) + 12)
    bar_h, top = 20, 8
    labels = [_wrap(t, label_w - 14) for t, _ in items]
    rows = [max(bar_h, len(lines) * LINE_PX + 6) for lines in labels]
    height = top + sum(rows) + 12
    plot_w = width - label_w - 20
    zero = label_w + plot_w / 2
    vmax = max((abs(v) for _, v in items), default=0) or 1
    body = [f"<line x1='{zero:.1f}' y1='{top}' x2='{zero:.1f}' y2='{height - 4}' stroke='#888' stroke-width='1'/>"]
    y = float(top)
    for i, (text, v) in enumerate(items):
        mid = y + rows[i] / 2
        w = max(1.0, (plot_w / 2 - 60) * abs(v) / vmax)
        x = zero if v >= 0 else zero - w
        color = POSITIVE if v >= 0 else NEGATIVE
        body.append(_label_lines(label_w - 8, mid, labels[i]))
        body.append(
            f"<rect class='bar' x='{x:.1f}' y='{mid - (bar_h - 6) / 2:.1f}' width='{w:.1f}' height='{bar_h - 6}' "
            f"fill='{color}'><title>{escape(text)}: {v:+,.2f} {unit}</title></rect>"
        )
        tx, anchor = (x + w + 4, "start") if v >= 0 else (x - 4, "end")
        body.append(_label(tx, mid + 4, f"{v:+,.2f}", anchor, 10, "#555"))
        y += rows[i]
    return _svg(width, height, body, title)


def column_bars(
    categories: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    labels: Sequence[str],
    color: str = PALETTE[0],
    width: int = 640,
    height: int = 240,
) -> str:
    """Vertical bars with a label over each (e.g. a department's total per year)."""
    left, bottom, top = 20, 28, 24
    plot_h = height - bottom - top
    n = max(1, len(categories))
    slot = (width - left * 2) / n
    vmax = max(values, default=0) or 1
    body = [f"<line x1='{left}' y1='{height - bottom}' x2='{width - left}' y2='{height - bottom}' stroke='#888'/>"]
    for i, (cat, v, lab) in enumerate(zip(categories, values, labels, strict=True)):
        h = max(1.0, plot_h * v / vmax)
        x = left + i * slot + slot * 0.2
        y = height - bottom - h
        body.append(
            f"<rect class='bar' x='{x:.1f}' y='{y:.1f}' width='{slot * 0.6:.1f}' height='{h:.1f}' "
            f"fill='{color}'><title>{escape(cat)}: {escape(lab)}</title></rect>"
        )
        body.append(_label(x + slot * 0.3, y - 6, lab, "middle", 11, "#333"))
        body.append(_label(x + slot * 0.3, height - bottom + 16, cat, "middle", 12))
    return _svg(width, height, body, title)


def stacked_columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    title: str,
    width: int = 640,
    height: int = 260,
    percent: bool = False,
) -> str:
    """Vertical stacked bars (series: name, values, colour), with a legend."""
    left, bottom, top, legend_h = 20, 28, 12, 24
    plot_h = height - bottom - top - legend_h
    n = max(1, len(categories))
    slot = (width - left * 2) / n
    totals = [sum(vals[i] for _, vals, _ in series) for i in range(len(categories))]
    vmax = 1.0 if percent else (max(totals, default=0) or 1)
    body = [
        f"<line x1='{left}' y1='{height - bottom - legend_h}' x2='{width - left}' "
        f"y2='{height - bottom - legend_h}' stroke='#888'/>"
    ]
    for i, cat in enumerate(categories):
        x = left + i * slot + slot * 0.2
        y: float = height - bottom - legend_h
        for name, vals, color in series:
            v = vals[i] / totals[i] if percent and totals[i] else vals[i]
            h = plot_h * v / vmax
            if h <= 0:
                continue
            y -= h
            shown = f"{v:.0%}" if percent else f"{vals[i]:g}"
            body.append(
                f"<rect class='bar' x='{x:.1f}' y='{y:.1f}' width='{slot * 0.6:.1f}' height='{h:.1f}' "
                f"fill='{color}'><title>{escape(cat)} {escape(name)}: {shown}</title></rect>"
            )
            if h > 14:
                body.append(_label(x + slot * 0.3, y + h / 2 + 4, shown, "middle", 10, "#fff"))
        body.append(_label(x + slot * 0.3, height - legend_h - bottom + 16, cat, "middle", 12))
    x = float(left)
    ly = height - legend_h + 4
    for name, _, color in series:
        body.append(f"<rect x='{x:.1f}' y='{ly:.1f}' width='12' height='12' fill='{color}'/>")
        body.append(_label(x + 16, ly + 10, name, "start", 12))
        x += 16 + _text_px(name) + 16
    return _svg(width, height, body, title)
