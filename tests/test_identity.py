"""Identity across years: normalized names, aliases, fuzzy matches with their scores."""

from __future__ import annotations

import pytest

from jixiao.identity import Item, assign, normalize_indicator_name, normalize_project_name

DEPT = "中共广州市委外事工作委员会办公室"


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("2024-2025年信息化运维项目", "信息化运维项目"),
        (f"{DEPT}2025-2026年信息化运维项目", "信息化运维项目"),
        ("2025年广州市中小学生运动会经费", "广州市中小学生运动会经费"),
        ("因公出国（境）经费", "因公出国(境)经费"),
        ("因公出国 (境) 经费", "因公出国(境)经费"),
        ("2023至2025年度监测项目", "监测项目"),
        ("APEC商务旅行卡", "apec商务旅行卡"),
    ],
)
def test_project_names_normalize(name: str, normalized: str) -> None:
    assert normalize_project_name(name, DEPT) == normalized


def test_indicator_names_normalize() -> None:
    assert normalize_indicator_name("安全事故发生次数（次）。") == normalize_indicator_name("安全事故发生次数 (次)")


def items(rows: list[tuple[int, str]], scope: tuple = (DEPT, "本级")) -> list[Item]:
    return [Item((year, n), scope, year, name, normalize_project_name(name, DEPT))
            for n, (year, name) in enumerate(rows)]


def by_key(matches):  # type: ignore[no-untyped-def]
    return {m.key: m for m in matches}


def test_three_years_with_a_rename_a_reword_a_drop_and_a_new_project() -> None:
    rows = [
        (2024, "2024-2025年信息化运维项目"),
        (2024, "广州外事宣传项目"),
        (2024, "广州国际友城交流合作专项经费"),
        (2025, f"{DEPT}2025-2026年信息化运维项目"),
        (2025, "广州外事宣传推广项目"),
        (2025, "广州市外事港澳业务综合管理平台优化项目"),
        (2026, f"{DEPT}2026-2027年信息化运维项目"),
        (2026, "广州外事宣传推广项目"),
        (2026, "广州国际友城交流合作专项经费"),
    ]
    m = by_key(assign(items(rows)))
    it = items(rows)
    ident = {it[i].name + str(it[i].year): m[it[i].key] for i in range(len(it))}
    ops24, ops25, ops26 = (ident[f"{r[1]}{r[0]}"] for r in (rows[0], rows[3], rows[6]))
    assert ops24.method == "first_seen" and ops24.score is None
    assert (ops25.method, ops25.score, ops25.matched_name) == ("normalized", 100.0, "2024-2025年信息化运维项目")
    assert ops24.identity == ops25.identity == ops26.identity
    reworded = ident["广州外事宣传推广项目2025"]
    assert reworded.method == "fuzzy" and reworded.identity == ident["广州外事宣传项目2024"].identity
    assert reworded.score == pytest.approx(88.9, abs=0.1)
    assert ident["广州外事宣传推广项目2026"].method == "exact"
    new = ident["广州市外事港澳业务综合管理平台优化项目2025"]
    assert (new.method, new.score) == ("new", None)
    # dropped in 2025, back in 2026: the same project again
    back = ident["广州国际友城交流合作专项经费2026"]
    assert back.identity == ident["广州国际友城交流合作专项经费2024"].identity and back.method == "exact"


def test_below_the_threshold_is_a_new_project() -> None:
    m = assign(items([(2024, "因公出国（境）经费"), (2025, "机构运行辅助经费")]))
    assert m[0].identity != m[1].identity and m[1].method == "new"


def test_aliases_override_matching() -> None:
    rows = [(2024, "广州奖运营项目"), (2025, "广州国际城市创新奖运行与管理服务项目")]
    alias = {(DEPT, normalize_project_name("广州国际城市创新奖运行与管理服务项目", DEPT)): "广州奖运营项目"}
    m = assign(items(rows), aliases=alias)
    assert m[0].identity == m[1].identity and (m[1].method, m[1].score) == ("alias", 100.0)
    unaliased = assign(items(rows))
    assert unaliased[0].identity != unaliased[1].identity


def test_identity_stays_within_its_scope_and_duplicates_stay_apart() -> None:
    a = items([(2024, "机构运行辅助经费"), (2025, "机构运行辅助经费")], scope=(DEPT, "本级"))
    b = items([(2024, "机构运行辅助经费"), (2025, "机构运行辅助经费")], scope=(DEPT, "广州对外交流发展中心"))
    b = [Item(("b", *x.key), x.scope, x.year, x.name, x.normalized) for x in b]
    m = by_key(assign(a + b))
    assert m[a[0].key].identity == m[a[1].key].identity
    assert m[b[0].key].identity == m[b[1].key].identity
    assert m[a[0].key].identity != m[b[0].key].identity
    twice = items([(2024, "专项经费"), (2024, "专项经费"), (2025, "专项经费"), (2025, "专项经费")])
    mt = by_key(assign(twice))
    ids24 = {mt[twice[0].key].identity, mt[twice[1].key].identity}
    ids25 = {mt[twice[2].key].identity, mt[twice[3].key].identity}
    assert len(ids24) == 2 and ids24 == ids25
