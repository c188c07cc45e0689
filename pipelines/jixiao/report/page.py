"""The department report as one self-contained HTML file: inline CSS, static SVG charts,
and the tables behind every chart. No scripts, nothing fetched: it opens offline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from .data import ReportData
from .svg import MUTED, NEGATIVE, PALETTE, POSITIVE, column_bars, diverging_bars, grouped_bars, stacked_columns
from .text import Text

CSS = """
body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif;
       margin: 0; color: #222; background: #f6f7f9; }
header { background: #1f3b5c; color: #fff; padding: 22px 32px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header p { margin: 0; opacity: .85; }
main { max-width: 1000px; margin: 0 auto; padding: 12px 24px 40px; }
section { background: #fff; border: 1px solid #e2e5ea; border-radius: 6px; padding: 16px 20px; margin: 18px 0; }
h2 { font-size: 18px; margin: 0 0 4px; }
p.note { color: #5a6470; margin: 4px 0 12px; font-size: 13px; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; }
.kpi { flex: 1 1 160px; background: #f0f4f9; border-radius: 6px; padding: 10px 14px; }
.kpi b { display: block; font-size: 20px; }
details { margin-top: 10px; }
summary { cursor: pointer; color: #1f5fa8; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 8px; }
th, td { border-bottom: 1px solid #e6e8eb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.up { color: #2e7d4a; } .down { color: #b3363f; }
footer { color: #6b7380; font-size: 12px; text-align: center; padding: 20px; }
svg.chart { max-width: 100%; height: auto; }
"""

STATUS_COLORS = {
    "tightened": POSITIVE,
    "loosened": NEGATIVE,
    "unchanged": PALETTE[0],
    "not_comparable": MUTED,
    "new": PALETTE[1],
    "dropped": PALETTE[4],
}


def _money(v: Any) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for r in rows:
        cells = []
        for i, v in enumerate(r):
            cls = " class='num'" if i in numeric else ""
            cells.append(f"<td{cls}>{escape('' if v is None else str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(ident: str, title: str, note: str, chart: str, table: str, t: Text, empty: str | None = None) -> str:
    """A titled section: its note, its chart and the table behind it — or, where there is
    nothing to chart, the reason in place of the chart."""
    if empty:
        return f"<section id='{ident}'><h2>{escape(title)}</h2><p class='note empty'>{escape(empty)}</p></section>"
    return (
        f"<section id='{ident}'><h2>{escape(title)}</h2><p class='note'>{escape(note)}</p>{chart}"
        f"<details><summary>{escape(t('table_behind'))}</summary>{table}</details></section>"
    )


def render_report(d: ReportData, language: str = "zh") -> str:
    t = Text(language)
    years = d.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    sections = [
        _kpis(d, t), _funding(d, t), _changes(d, t), _indicators(d, t), _withheld(d, t), _sources(d, t), _review(d, t)
    ]
    aka = [n for n in d.names_published if n != d.department]
    subtitle = f"{t('title_suffix')} · {span} · {t('amounts_in')}" + (
        f" · {t('also_published_as', names='、'.join(aka))}" if aka else ""
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lang = "zh-CN" if language == "zh" else language
    footer = t("footer", generated=generated, built=str(d.built_at), warehouse=d.warehouse.name)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(d.department)} {span} — jixiao</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(d.department)}</h1><p>{escape(subtitle)}</p></header><main>"
        + "".join(sections)
        + f"</main><footer>{escape(footer)}</footer></body></html>"
    )


def _kpis(d: ReportData, t: Text) -> str:
    last = d.totals[-1]
    change = last.get("change_pct")
    cards = [
        (t("total_in", year=last["budget_year"]), f"{_money(last['total_wan'])} {t('wan')}"),
        (t("change_from", year=last.get("prev_year") or "—"), "—" if change is None else f"{change:+.2f}%"),
        (t("projects"), str(last["project_count"])),
        (
            t("new_dropped_renamed"),
            f"{last['new_projects']} / {last['dropped_projects']} / {last['renamed_projects']}",
        ),
    ]
    kpis = "".join(f"<div class='kpi'>{escape(k)}<b>{escape(v)}</b></div>" for k, v in cards)
    chart = column_bars(
        [str(x["budget_year"]) for x in d.totals],
        [x["total_wan"] or 0 for x in d.totals],
        labels=[_money(x["total_wan"]) for x in d.totals],
        title=t("funding_by_year"),
    )
    table = _table(
        [t("year"), t("total_wan"), t("change_wan"), t("change_pct"), t("projects"), t("new"), t("dropped"),
         t("renamed")],
        [
            [
                x["budget_year"],
                _money(x["total_wan"]),
                _money(x["change_wan"]),
                "" if x["change_pct"] is None else f"{x['change_pct']:+.2f}",
                x["project_count"],
                x["new_projects"],
                x["dropped_projects"],
                x["renamed_projects"],
            ]
            for x in d.totals
        ],
        numeric=range(1, 8),
    )
    return (
        f"<section id='totals'><h2>{escape(t('overview'))}</h2><div class='kpis'>{kpis}</div>{chart}"
        f"<details><summary>{escape(t('table_behind'))}</summary>{table}</details></section>"
    )


def _funding(d: ReportData, t: Text) -> str:
    projects = sorted(d.projects, key=lambda p: -max((v or 0) for v in p["amounts"].values()))
    funded = [y for y in d.years if any(p["amounts"].get(y) is not None for p in projects)]
    cats = [p["project"] for p in projects]
    series = [(str(y), [p["amounts"].get(y) for p in projects]) for y in funded]
    note = t("funding_note")
    missing = [str(y) for y in d.years if y not in funded]
    if missing:
        note += " " + t("no_projects_in", years="、".join(missing))
    chart = grouped_bars(cats, series, title=t("funding_title"))
    rows = [[p["unit"], p["project"], *(_money(p["amounts"].get(y)) for y in d.years)] for p in projects]
    table = _table([t("unit"), t("project"), *map(str, d.years)], rows, numeric=range(2, 2 + len(d.years)))
    empty = None if projects else t("no_projects_in", years="、".join(map(str, d.years)))
    return _section("funding", t("funding_title"), note, chart, table, t, empty)


def _changes(d: ReportData, t: Text) -> str:
    if not d.changes:
        return _section("changes", t("changes_title"), "", "", "", t, empty=t("changes_single_year"))
    movers = sorted(d.changes, key=lambda c: -(c["change_wan"] or 0))
    top = [c for c in movers if (c["change_wan"] or 0) > 0][:8] + [c for c in movers if (c["change_wan"] or 0) < 0][-8:]
    year, prev = d.changes[0]["budget_year"], d.changes[0]["prev_year"]
    chart = diverging_bars(
        [(c["project_name"] or "?", c["change_wan"] or 0) for c in top],
        title=t("changes_chart", prev=prev, year=year),
    )
    table = _table(
        [t("project"), t("unit"), t("before"), t("after"), t("change"), t("pct"), t("status")],
        [
            [
                c["project_name"],
                c["unit_name"],
                _money(c["prev_amount_wan"]),
                _money(c["amount_wan"]),
                _money(c["change_wan"]),
                "" if c["change_pct"] is None else f"{c['change_pct']:+.1f}",
                t.status(c["status"]),
            ]
            for c in movers
        ],
        numeric=range(2, 6),
    )
    return _section("changes", t("changes_title"), t("changes_note", year=year, prev=prev), chart, table, t)


def _indicators(d: ReportData, t: Text) -> str:
    statuses = [s for s in STATUS_COLORS if any(c["status"] == s for c in d.indicator_counts)]
    # a department's first loaded year has nothing to compare with: no column for it, but a word
    years = sorted({c["budget_year"] for c in d.indicator_counts if c["status"] in statuses})
    first = [str(y) for y in d.years if y not in years]
    counts = {(c["budget_year"], c["status"]): c["n"] for c in d.indicator_counts}
    if not statuses:
        return _section("indicators", t("indicators_title"), "", "", "", t, empty=t("indicators_none"))
    chart = stacked_columns(
        [str(y) for y in years],
        [(t.status(s), [counts.get((y, s), 0) for y in years], STATUS_COLORS[s]) for s in statuses],
        title=t("indicators_chart"),
    )
    table = _table(
        [t("year"), t("project"), t("indicator"), t("before"), t("after"), t("status")],
        [
            [
                m["budget_year"],
                m["project_name"],
                m["indicator_name"],
                m["prev_annual_target"],
                m["annual_target"],
                t.status(m["status"]),
            ]
            for m in d.indicator_moves
        ],
    )
    note = t("indicators_note")
    if first:
        note += " " + t("indicators_no_previous", years="、".join(first))
    return _section("indicators", t("indicators_title"), note, chart, table, t)


def _withheld(d: ReportData, t: Text) -> str:
    if not d.withheld:
        return _section("withheld", t("withheld_title"), "", "", "", t, empty=t("sources_none"))
    chart = column_bars(
        [str(w["budget_year"]) for w in d.withheld],
        [(w["withheld_pct"] or 0) / 100 for w in d.withheld],
        labels=[f"{(w['withheld_pct'] or 0) / 100:.1%}" for w in d.withheld],
        color=PALETTE[3],
        title=t("withheld_chart"),
    )
    table = _table(
        [t("year"), t("withheld_wan"), t("all_projects_wan"), t("share"), t("withheld_projects")],
        [
            [
                w["budget_year"],
                _money(w["withheld_total_wan"]),
                _money(w["projects_total_wan"]),
                f"{(w['withheld_pct'] or 0) / 100:.2%}",
                t("of", n=w["withheld_project_count"], total=w["project_count"]),
            ]
            for w in d.withheld
        ],
        numeric=range(1, 4),
    )
    note = t("withheld_note")
    if not any(w["withheld_total_wan"] for w in d.withheld):
        note += " " + t("withheld_none")
    return _section("withheld", t("withheld_title"), note, chart, table, t)


def _sources(d: ReportData, t: Text) -> str:
    labels = list(dict.fromkeys(s["source_label"] for s in d.sources))
    if not labels:
        return _section("sources", t("sources_title"), "", "", "", t, empty=t("sources_none"))
    amount = {(s["budget_year"], s["source_label"]): s["amount_wan"] for s in d.sources}
    funded = [y for y in d.years if any((y, lab) in amount for lab in labels)]
    chart = stacked_columns(
        [str(y) for y in funded],
        [
            (lab, [amount.get((y, lab), 0) or 0 for y in funded], PALETTE[i % len(PALETTE)])
            for i, lab in enumerate(labels)
        ],
        title=t("sources_chart"),
        percent=True,
    )
    table = _table(
        [t("year"), t("source"), t("wan"), t("share")],
        [
            [s["budget_year"], s["source_label"], _money(s["amount_wan"]), f"{(s['share_pct'] or 0) / 100:.1%}"]
            for s in d.sources
        ],
        numeric=(2, 3),
    )
    note = t("sources_note")
    missing = [str(y) for y in d.years if y not in funded]
    if missing:
        note += " " + t("no_projects_in", years="、".join(missing))
    return _section("sources", t("sources_title"), note, chart, table, t)


def _review(d: ReportData, t: Text) -> str:
    if not d.project_changes:
        return _section("review", t("review_title"), "", "", "", t, empty=t("review_none"))
    table = _table(
        [t("year"), t("change"), t("unit"), t("project"), t("previous_name"), t("matched_by"), t("score"),
         t("before"), t("after")],
        [
            [
                c["budget_year"],
                t.status(c["change"]),
                c["unit_name"],
                c["project_name"],
                c["previous_name"],
                c["match_method"],
                "" if c["match_score"] is None else f"{c['match_score']:.0f}",
                _money(c["prev_amount_wan"]),
                _money(c["amount_wan"]),
            ]
            for c in d.project_changes
        ],
        numeric=(6, 7, 8),
    )
    return (
        f"<section id='review'><h2>{escape(t('review_title'))}</h2><p class='note'>{escape(t('review_note'))}</p>"
        f"{table}</section>"
    )
