"""Every word the report prints, in Chinese (the default: its readers are Chinese analysts)
and in English (``jixiao report --lang en``). One table: a key missing from a language is a
test failure, not an English word in a Chinese page."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title_suffix": "项目支出绩效目标",
        "amounts_in": "金额单位：万元",
        "also_published_as": "曾用名：{names}",
        "overview": "概览",
        "total_in": "{year}年项目资金",
        "change_from": "较{year}年变化",
        "projects": "项目数",
        "new_dropped_renamed": "新增 / 取消 / 更名",
        "funding_by_year": "各年度项目资金（万元）",
        "year": "年度",
        "total_wan": "合计（万元）",
        "change_wan": "变化（万元）",
        "change_pct": "变化（%）",
        "new": "新增",
        "dropped": "取消",
        "renamed": "更名",
        "table_behind": "查看图表数据",
        "funding_title": "各项目历年资金",
        "funding_note": "每个项目按其最新名称列出；更名的项目视为同一项目（见文末核对表）。",
        "no_projects_in": "{years}年无项目资金数据：该年度文件未包含项目支出绩效目标表，或未加载。",
        "unit": "单位",
        "project": "项目",
        "changes_title": "增幅与降幅最大的项目",
        "changes_note": "{year}年对比{prev}年：资金增加最多（右）与减少最多（左）的项目，含新增与取消的项目。",
        "changes_chart": "增幅与降幅最大的项目，{prev}→{year}",
        "changes_single_year": "只加载了一个年度，没有可比较的上一年。",
        "before": "上年",
        "after": "本年",
        "change": "变化",
        "pct": "%",
        "status": "状态",
        "indicators_title": "绩效指标值的收紧与放宽",
        "indicators_note": "每个指标与上一年同一指标（同一项目、同一类别、名称相同或相近）比较，并结合其比较方向："
        "下限（≥）提高或上限（≤）降低为收紧，反之为放宽。表中列出有变化的指标。",
        "indicators_chart": "指标值与上年相比",
        "indicators_none": "没有可与上一年比较的指标（只加载了一个年度，或指标不能逐年对应）。",
        "indicator": "指标",
        "indicators_no_previous": "{years}年没有上一年度可比（首个加载年度），不列入图中。",
        "withheld_title": "不宜公开项目占比",
        "withheld_note": "部门未公开目标与指标的项目（项目信息不宜公开）；其金额仍然公开。",
        "withheld_chart": "项目信息不宜公开的资金占比",
        "withheld_none": "所选年度没有“项目信息不宜公开”的项目：图中各年均为 0。",
        "withheld_wan": "不宜公开（万元）",
        "all_projects_wan": "全部项目（万元）",
        "share": "占比",
        "withheld_projects": "不宜公开项目数",
        "of": "{n} / {total}",
        "sources_title": "资金来源",
        "sources_note": "项目资金来自哪里，占项目合计的比例；“未分列”是表中只印合计、未按来源分列的部分。",
        "sources_chart": "资金来源构成（占合计）",
        "sources_none": "所选年度没有项目资金。",
        "source": "来源",
        "wan": "万元",
        "review_title": "新增、取消与更名的项目",
        "review_note": "供核对：若一个项目显示为“取消”和“新增”而实为同一项目，可在 "
        "dbt_project/seeds/project_aliases.csv 中加一行将其合并。仅年份不同的名称不算更名。",
        "review_none": "所选年度没有新增、取消或更名的项目。",
        "previous_name": "原名称",
        "matched_by": "匹配方式",
        "score": "相似度",
        "footer": "jixiao 报告 · 生成于 {generated} · 数仓构建于 {built} · {warehouse}",
        # statuses and changes, as the marts name them
        "s_tightened": "收紧",
        "s_loosened": "放宽",
        "s_unchanged": "未变",
        "s_not_comparable": "不可比",
        "s_new": "新增",
        "s_dropped": "取消",
        "s_continued": "延续",
        "s_renamed": "更名",
        "s_first_year": "首年",
    },
    "en": {
        "title_suffix": "project performance targets",
        "amounts_in": "amounts in 万元 (10,000 yuan)",
        "also_published_as": "also published as {names}",
        "overview": "Overview",
        "total_in": "total {year}",
        "change_from": "change from {year}",
        "projects": "projects",
        "new_dropped_renamed": "new / dropped / renamed",
        "funding_by_year": "Project funding by year (万元)",
        "year": "year",
        "total_wan": "total (万元)",
        "change_wan": "change (万元)",
        "change_pct": "change %",
        "new": "new",
        "dropped": "dropped",
        "renamed": "renamed",
        "table_behind": "the table behind the chart",
        "funding_title": "Funding by project across years",
        "funding_note": "Each project under its latest name; a renamed project is one project "
        "(see the review table).",
        "no_projects_in": "No project funding for {years}: the year's document holds no project table, "
        "or was not loaded.",
        "unit": "unit",
        "project": "project",
        "changes_title": "Biggest increases and cuts",
        "changes_note": "{year} against {prev}: projects whose funding grew most (right) and shrank most (left), "
        "new and dropped projects included.",
        "changes_chart": "Biggest increases and cuts, {prev}→{year}",
        "changes_single_year": "Only one year loaded: nothing to compare.",
        "before": "before",
        "after": "after",
        "change": "change",
        "pct": "%",
        "status": "status",
        "indicators_title": "Indicator targets tightened and loosened",
        "indicators_note": "Every indicator compared with the same indicator the year before (same project, same "
        "categories, same or reworded name), with its comparison: a floor (≥) raised or a cap (≤) lowered is "
        "tightened, the reverse loosened. The table lists the targets that moved.",
        "indicators_chart": "Indicator targets against the year before",
        "indicators_none": "No indicator can be compared with the year before (one year loaded, or no indicator "
        "matches across years).",
        "indicator": "indicator",
        "indicators_no_previous": "{years}: no earlier year to compare with (the first year loaded), so no column.",
        "withheld_title": "Withheld share",
        "withheld_note": "Projects whose goals and indicators the department does not publish (项目信息不宜公开); "
        "their amounts are still published.",
        "withheld_chart": "Share of project funding withheld (项目信息不宜公开)",
        "withheld_none": "No project is withheld (项目信息不宜公开) in these years: every bar is 0.",
        "withheld_wan": "withheld (万元)",
        "all_projects_wan": "all projects (万元)",
        "share": "share",
        "withheld_projects": "withheld projects",
        "of": "{n} of {total}",
        "sources_title": "Funding sources",
        "sources_note": "Where the project money comes from, as a share of the projects' total; 未分列 (not "
        "itemised) is the part a table prints only as a total.",
        "sources_chart": "Funding sources (share of the total)",
        "sources_none": "No project funding in these years.",
        "source": "source",
        "wan": "万元",
        "review_title": "New, dropped and renamed projects",
        "review_note": "For review: a project shown as dropped and new that is one project can be joined with a row "
        "in dbt_project/seeds/project_aliases.csv. A name that changed only in its year is not a rename.",
        "review_none": "No project was new, dropped or renamed in these years.",
        "previous_name": "previous name",
        "matched_by": "matched by",
        "score": "score",
        "footer": "jixiao report · generated {generated} · warehouse built {built} · {warehouse}",
        "s_tightened": "tightened",
        "s_loosened": "loosened",
        "s_unchanged": "unchanged",
        "s_not_comparable": "not comparable",
        "s_new": "new",
        "s_dropped": "dropped",
        "s_continued": "continued",
        "s_renamed": "renamed",
        "s_first_year": "first year",
    },
}


class Text:
    """The report's words in one language: ``t("total_in", year=2025)``, ``t.status("new")``."""

    def __init__(self, language: str = "zh") -> None:
        if language not in TEXT:
            raise ValueError(f"unknown report language {language!r}; choose one of {', '.join(LANGUAGES)}")
        self.language = language
        self._words = TEXT[language]

    def __call__(self, key: str, **values: object) -> str:
        return self._words[key].format(**values)

    def status(self, status: str | None) -> str:
        return "" if status is None else self._words.get(f"s_{status}", status)
