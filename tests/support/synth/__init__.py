"""Synthetic 部门预算 documents with their truth: for tests, fixtures and benchmarks.

``generate(seed, knobs)`` renders one department's budget the way publishers do and
returns the PDF bytes and the extraction a perfect parser must produce.
"""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from typing import Any

from .content import SynthBudget, make_budget
from .render import Knobs, render_budget

COLUMN_SETS: dict[str, tuple[str, ...]] = {
    "standard": ("fiscal_appropriation", "fiscal_special_account", "other_funds"),
    "no_special": ("fiscal_appropriation", "other_funds"),
    "extra": ("general_public_budget", "government_fund", "fiscal_special_account", "other_funds"),
    "carryover": ("fiscal_appropriation", "prior_year_carryover", "other_funds"),
}

__all__ = ["COLUMN_SETS", "Knobs", "SynthBudget", "generate", "make_budget", "random_knobs", "render_budget"]


def random_knobs(rng: random.Random) -> Knobs:
    return Knobs(
        layout=rng.choice(["compact", "compact", "long"]),
        grid=rng.choice(["ruled", "ruled", "open"]),
        rule_mode=rng.choice(["line", "rect", "fill"]),
        header_repeat=rng.random() < 0.6,
        row_split=rng.random() < 0.5,
        orientation=rng.choice(["landscape", "portrait"]),
        indent=rng.choice(["fullwidth", "ascii"]),
        thousands=rng.random() < 0.6,
        zero=rng.choice(["empty", "zeros"]),
        document=rng.choice(["table_only", "full"]),
        valign=rng.choice(["middle", "top"]),
        footer=rng.choice(["dash", "page", "plain", "none"]),
        currency="元" if rng.random() < 0.15 else "万元",
        title=rng.choice(["std", "year", "dept"]),
        attach_label=rng.random() < 0.7,
        long_total=rng.random() < 0.7,
        trailing=rng.random() < 0.3,
        size=rng.choice([7.0, 8.0, 8.0, 9.0]),
    )


def generate(
    seed: int,
    knobs: Knobs | None = None,
    *,
    columns: str | None = None,
    department: str | None = None,
    year: int | None = None,
    projects: tuple[int, int] = (1, 6),
    units: int | None = None,
    duplicate: bool = False,
) -> tuple[bytes, dict[str, Any], Knobs]:
    """Render one synthetic budget: (PDF bytes, truth, the knobs used).

    ``duplicate`` lists the first project of the first unit twice (a publishing error).
    """
    rng = random.Random(seed)
    knobs = knobs or random_knobs(rng)
    cols = columns or rng.choice(["standard", "standard", "no_special", "extra", "carryover"])
    budget = make_budget(
        rng,
        department=department,
        year=year or rng.choice([2022, 2023, 2024, 2025, 2026]),
        sources=COLUMN_SETS[cols],
        projects=projects,
        units=units,
    )
    if duplicate:
        first = budget.units[0].projects[0]
        budget.units[0].projects.append(copy.deepcopy(first))
    if knobs.layout == "long":
        knobs = replace(knobs, zero="empty")
    if cols == "extra" and rng.random() < 0.5:
        knobs = replace(knobs, nested=True)
    pdf, truth = render_budget(budget, knobs)
    truth["document"]["knobs"] = {**knobs.to_dict(), "columns": cols}
    return pdf, truth, knobs
