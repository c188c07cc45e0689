"""The department report as one self-contained HTML file: inline CSS, static SVG charts,
and the tables behind every chart. No scripts, nothing fetched: it opens offline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from .data import ReportData
from .svg import MUTED, NEGATIVE, PALETTE, POSITIVE, column_bars, diverging_bars, grouped_bars, stacked_columns

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


def _section(ident: str, title: str, note: str, chart: str, table: str) -> str:
    return (
        f"<section id='{ident}'><h2>{escape(title)}</h2><p class='note'>{escape(note)}</p>{chart}"
        f"<details><summary>the table behind the chart</summary>{table}</details></section>"
    )


def render_report(d: ReportData) -> str:
    years = d.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    sections = [_kpis(d), _funding(d), _changes(d), _indicators(d), _withheld(d), _sources(d), _review(d)]
    aka = [n for n in d.names_published if n != d.department]
    subtitle = f"项目支出绩效目标 · {span} · amounts in 万元" + (
        f" · also published as {'、'.join(aka)}" if aka else ""
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(d.department)} {span} — jixiao</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(d.department)}</h1><p>{escape(subtitle)}</p></header><main>"
        + "".join(sections)
        + f"</main><footer>jixiao report · generated {generated} · warehouse built {escape(str(d.built_at))}"
        f" · {escape(str(d.warehouse))}</footer></body></html>"
    )


def _kpis(d: ReportData) -> str:
    last = d.totals[-1]
    change = last.get("change_pct")
    cards = [
        ("total " + str(last["budget_year"]), f"{_money(last['total_wan'])} 万元"),
        ("change from " + str(last.get("prev_year") or "—"), "—" if change is None else f"{change:+.2f}%"),
        ("projects", str(last["project_count"])),
        (
            "new / dropped / renamed",
            f"{last['new_projects']} / {last['dropped_projects']} / {last['renamed_projects']}",
        ),
    ]
    kpis = "".join(f"<div class='kpi'>{escape(k)}<b>{escape(v)}</b></div>" for k, v in cards)
    chart = column_bars(
        [str(t["budget_year"]) for t in d.totals],
        [t["total_wan"] or 0 for t in d.totals],
        labels=[_money(t["total_wan"]) for t in d.totals],
        title="Project funding by year (万元)",
    )
    table = _table(
        ["year", "total (万元)", "change (万元)", "change %", "projects", "new", "dropped", "renamed"],
        [
            [
                t["budget_year"],
                _money(t["total_wan"]),
                _money(t["change_wan"]),
                "" if t["change_pct"] is None else f"{t['change_pct']:+.2f}",
                t["project_count"],
                t["new_projects"],
                t["dropped_projects"],
                t["renamed_projects"],
            ]
            for t in d.totals
        ],
        numeric=range(1, 8),
    )
    return (
        f"<section id='totals'><h2>Overview</h2><div class='kpis'>{kpis}</div>{chart}"
        f"<details><summary>the table behind the chart</summary>{table}</details></section>"
    )


def _funding(d: ReportData) -> str:
    projects = sorted(d.projects, key=lambda p: -max((v or 0) for v in p["amounts"].values()))
    cats = [p["project"] for p in projects]
    series = [(str(y), [p["amounts"].get(y) for p in projects]) for y in d.years]
    chart = grouped_bars(cats, series, title="Funding by project and year (万元)")
    rows = [[p["unit"], p["project"], *(_money(p["amounts"].get(y)) for y in d.years)] for p in projects]
    table = _table(["unit", "project", *map(str, d.years)], rows, numeric=range(2, 2 + len(d.years)))
    return _section(
        "funding",
        "Funding by project across years",
        "Each project under its latest name; a renamed project is one project (see the review table).",
        chart,
        table,
    )


def _changes(d: ReportData) -> str:
    if not d.changes:
        return _section("changes", "Biggest increases and cuts", "Only one year loaded: nothing to compare.", "", "")
    movers = sorted(d.changes, key=lambda c: -(c["change_wan"] or 0))
    top = [c for c in movers if (c["change_wan"] or 0) > 0][:8] + [c for c in movers if (c["change_wan"] or 0) < 0][-8:]
    chart = diverging_bars(
        [(c["project_name"] or "?", c["change_wan"] or 0) for c in top],
        title=f"Biggest increases and cuts, {d.changes[0]['prev_year']}→{d.changes[0]['budget_year']}",
    )
    table = _table(
        ["project", "unit", "before", "after", "change", "%", "status"],
        [
            [
                c["project_name"],
                c["unit_name"],
                _money(c["prev_amount_wan"]),
                _money(c["amount_wan"]),
                _money(c["change_wan"]),
                "" if c["change_pct"] is None else f"{c['change_pct']:+.1f}",
                c["status"],
            ]
            for c in movers
        ],
        numeric=range(2, 6),
    )
    return _section(
        "changes",
        "Biggest increases and cuts",
        f"{d.changes[0]['budget_year']} against {d.changes[0]['prev_year']}: projects whose funding "
        "grew most (right) and shrank most (left), new and dropped projects included.",
        chart,
        table,
    )


def _indicators(d: ReportData) -> str:
    years = sorted({c["budget_year"] for c in d.indicator_counts})
    statuses = [s for s in STATUS_COLORS if any(c["status"] == s for c in d.indicator_counts)]
    counts = {(c["budget_year"], c["status"]): c["n"] for c in d.indicator_counts}
    chart = ""
    if statuses:
        chart = stacked_columns(
            [str(y) for y in years],
            [(s, [counts.get((y, s), 0) for y in years], STATUS_COLORS[s]) for s in statuses],
            title="Indicator targets against the year before",
        )
    table = _table(
        ["year", "project", "indicator", "before", "after", "status"],
        [
            [
                m["budget_year"],
                m["project_name"],
                m["indicator_name"],
                m["prev_annual_target"],
                m["annual_target"],
                m["status"],
            ]
            for m in d.indicator_moves
        ],
    )
    return _section(
        "indicators",
        "Indicator targets tightened and loosened",
        "Every indicator compared with the same indicator the year before (same project, same "
        "categories, same or reworded name), with its comparison: a floor (≥) raised or a cap (≤) "
        "lowered is tightened, the reverse loosened. The table lists the targets that moved.",
        chart,
        table,
    )


def _withheld(d: ReportData) -> str:
    chart = column_bars(
        [str(w["budget_year"]) for w in d.withheld],
        [w["withheld_share"] or 0 for w in d.withheld],
        labels=[f"{(w['withheld_share'] or 0):.1%}" for w in d.withheld],
        color=PALETTE[3],
        title="Share of project funding withheld (项目信息不宜公开)",
    )
    table = _table(
        ["year", "withheld (万元)", "all projects (万元)", "share", "withheld projects"],
        [
            [
                w["budget_year"],
                _money(w["withheld_total_wan"]),
                _money(w["projects_total_wan"]),
                f"{(w['withheld_share'] or 0):.2%}",
                f"{w['withheld_project_count']} of {w['project_count']}",
            ]
            for w in d.withheld
        ],
        numeric=range(1, 4),
    )
    return _section(
        "withheld",
        "Withheld share",
        "Projects whose goals and indicators the department does not publish (项目信息不宜公开); "
        "their amounts are still published.",
        chart,
        table,
    )


def _sources(d: ReportData) -> str:
    labels = list(dict.fromkeys(s["source_label"] for s in d.sources))
    amount = {(s["budget_year"], s["source_label"]): s["amount_wan"] for s in d.sources}
    chart = (
        stacked_columns(
            [str(y) for y in d.years],
            [
                (lab, [amount.get((y, lab), 0) or 0 for y in d.years], PALETTE[i % len(PALETTE)])
                for i, lab in enumerate(labels)
            ],
            title="Funding sources (share of 总计)",
            percent=True,
        )
        if labels
        else ""
    )
    table = _table(
        ["year", "source", "万元", "share"],
        [
            [s["budget_year"], s["source_label"], _money(s["amount_wan"]), f"{(s['share_of_total'] or 0):.1%}"]
            for s in d.sources
        ],
        numeric=(2, 3),
    )
    return _section(
        "sources", "Funding sources", "Where the project money comes from, as a share of 总计.", chart, table
    )


def _review(d: ReportData) -> str:
    table = _table(
        ["year", "change", "unit", "project", "previous name", "matched by", "score", "before", "after"],
        [
            [
                c["budget_year"],
                c["change"],
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
        f"<section id='review'><h2>New, dropped and renamed projects</h2><p class='note'>For review: a "
        f"project shown as dropped and new that is one project can be joined with a row in "
        f"dbt_project/seeds/project_aliases.csv.</p>{table}</section>"
    )
