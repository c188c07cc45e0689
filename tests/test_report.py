"""``jixiao report``: one self-contained HTML file whose charts render in a real browser
(headless Chromium) with no console errors and no request leaving the file."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest

from jixiao.parser.errors import ParseError
from jixiao.report.cli import run_report
from jixiao.report.data import load_report
from jixiao.report.page import render_report

DEPT = "中共广州市委外事工作委员会办公室"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_is_one_self_contained_file(samples_warehouse: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "waiban.html"
    run_report(argparse.Namespace(department=DEPT, years="2024-2026", out=str(out), warehouse=str(samples_warehouse),
                                  lang="zh"))
    assert f"report written to {out.resolve()}" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "<script" not in html  # nothing runs
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:|//)|url\(|@import", html)  # nothing is fetched
    assert html.count("<svg") >= 6
    for heading in ("各项目历年资金", "增幅与降幅最大的项目", "绩效指标值的收紧与放宽", "不宜公开项目占比", "资金来源"):
        assert heading in html
    assert "广州国际友城交流合作专项经费" in html and "不低于110个" in html
    assert str(samples_warehouse.parent) not in html  # no local path in a file that gets shared


def test_the_report_speaks_chinese_unless_asked_otherwise(samples_warehouse: Path) -> None:
    from jixiao.report.text import TEXT

    assert set(TEXT["zh"]) == set(TEXT["en"])  # every word exists in both languages
    data = load_report(samples_warehouse, DEPT)
    zh, en = render_report(data), render_report(data, "en")
    visible = re.sub(r"<[^>]+>", " ", zh)
    assert "lang='zh-CN'" in zh and "收紧" in zh and "tightened" not in visible and "the table behind" not in zh
    assert "lang='en'" in en and "Biggest increases and cuts" in en and "tightened" in en
    with pytest.raises(ValueError, match="unknown report language"):
        render_report(data, "fr")


def test_long_names_wrap_in_the_charts_rather_than_being_cut(samples_warehouse: Path) -> None:
    from jixiao.report.svg import diverging_bars

    name = "中共广州市委外事工作委员会办公室2026-2027年信息化运维项目"
    svg = diverging_bars([(name, 1.5), ("短名", -2.0)], title="t")
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert "".join(spans).startswith(name) and len(spans) >= 3 and "…" not in "".join(spans)


def test_an_empty_chart_says_why(samples_warehouse: Path) -> None:
    one_year = render_report(load_report(samples_warehouse, "广州市科学技术局"))  # only 2023 loaded
    assert "只加载了一个年度，没有可比较的上一年。" in one_year
    assert "没有可与上一年比较的指标" in one_year


def test_unknown_department_and_years(samples_warehouse: Path) -> None:
    with pytest.raises(ParseError) as info:
        run_report(argparse.Namespace(department="广州市不存在局", years=None, out=None,
                                      warehouse=str(samples_warehouse)))
    assert "no department '广州市不存在局'" in str(info.value) and DEPT in str(info.value)
    data = load_report(samples_warehouse, DEPT, (2025, 2026))
    assert data.years == [2025, 2026]
    assert data.changes[0]["project_name"] == "服务保障2026年APEC会议相关活动专项经费"


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (make test installs it with apt-get)")
def test_report_renders_in_headless_chromium(samples_warehouse: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_report(load_report(samples_warehouse, DEPT)), encoding="utf-8")
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"],
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            charts = page.locator("svg.chart")
            assert charts.count() >= 6
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 50
            assert page.locator("svg.chart rect.bar").count() > 40
            assert page.locator("h1").inner_text() == DEPT
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 20_000
