"""Grouping the text of an unruled table into its rows.

Without rules, a row is known by an *anchor* (a line that every row has exactly one of:
the 总计 amount in a compact table, the 金额 of a project in a long one). Every other
cell of the row is aligned on the anchor, at the top or in the middle of the row. For
one column, :func:`align` cuts the column's lines into consecutive groups, one group per
anchor, so that each group lines up with its anchor; on a continuation page, a *lead*
group before the first anchor holds the end of a row that began on the page before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEAD = -1
LEAD_PENALTY = 0.05


@dataclass(frozen=True, slots=True)
class Span:
    top: float
    bottom: float

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


TOP = "top"
MIDDLE = "middle"


def align(items: Sequence[Span], anchors: Sequence[Span], *, allow_lead: bool, mode: str | None = None) -> list[int]:
    """The anchor index of each item (``LEAD`` for the lead group).

    ``items`` and ``anchors`` are sorted top to bottom and do not overlap among
    themselves. ``mode`` is the table's vertical alignment; when unknown, both are
    tried and the one that fits better wins.
    """
    if not items:
        return []
    if not anchors:
        return [LEAD] * len(items)
    if mode == TOP:
        return _align_top(items, anchors, allow_lead)[0]
    mid_assign, mid_cost = _align_middle(items, anchors, allow_lead)
    if mode == MIDDLE:
        return mid_assign
    top_assign, top_cost = _align_top(items, anchors, allow_lead)
    return mid_assign if mid_cost < top_cost - 0.5 else top_assign


def alignment_costs(items: Sequence[Span], anchors: Sequence[Span]) -> tuple[float, float]:
    """(cost if top-aligned, cost if middle-aligned) of one column on a first page."""
    if not items or not anchors:
        return 0.0, 0.0
    return _align_top(items, anchors, False)[1], _align_middle(items, anchors, False)[1]


def _group_cost_top(items: Sequence[Span], assign: list[int], anchors: Sequence[Span]) -> float:
    first: dict[int, float] = {}
    for it, k in zip(items, assign, strict=True):
        if k >= 0 and k not in first:
            first[k] = it.top
    return sum(abs(t - anchors[k].top) for k, t in first.items())


def _align_top(items: Sequence[Span], anchors: Sequence[Span], allow_lead: bool) -> tuple[list[int], float]:
    out = []
    k = LEAD
    for it in items:
        tol = 0.5 * (it.bottom - it.top)
        while k + 1 < len(anchors) and anchors[k + 1].top <= it.top + tol:
            k += 1
        out.append(k if (k >= 0 or allow_lead) else 0)
    return out, _group_cost_top(items, out, anchors)


def _align_middle(items: Sequence[Span], anchors: Sequence[Span], allow_lead: bool) -> tuple[list[int], float]:
    n, m = len(anchors), len(items)
    centers = [a.yc for a in anchors]
    ic = [it.yc for it in items]

    def count_below(y: float, strict: bool) -> int:
        # number of items whose centre is < y (strict) or <= y
        return sum(1 for c in ic if (c < y if strict else c <= y))

    # window of possible starts of group k
    windows: list[range] = []
    for k in range(n):
        lo = 0 if k == 0 else count_below(centers[k - 1], strict=False)
        hi = count_below(centers[k], strict=True)
        if k == 0 and not allow_lead:
            lo = hi = 0
        if hi < lo:
            hi = lo
        windows.append(range(lo, hi + 1))

    def cost(a: int, b: int, k: int) -> float:
        if b <= a:
            return 0.0
        middle = abs((items[a].top + items[b - 1].bottom) / 2 - centers[k])
        if k == n - 1:
            # the last row may run on to the next page: its part here is laid out from
            # the top, whatever the table's alignment
            return min(middle, abs(items[a].top - anchors[k].top))
        return middle

    inf = float("inf")
    # best[k][s]: cost of groups < k with group k starting at s; back pointers
    # each item left in the lead group costs a little, so that ties keep items in rows
    best: list[dict[int, float]] = [{s: LEAD_PENALTY * s for s in windows[0]}]
    back: list[dict[int, int]] = [{}]
    for k in range(1, n):
        cur: dict[int, float] = {}
        bp: dict[int, int] = {}
        for s in windows[k]:
            b_cost, b_prev = inf, -1
            for p, c in best[k - 1].items():
                if p > s:
                    continue
                total = c + cost(p, s, k - 1)
                if total < b_cost:
                    b_cost, b_prev = total, p
            if b_prev >= 0:
                cur[s], bp[s] = b_cost, b_prev
        if not cur:  # inconsistent windows: fall back to the top alignment
            return _align_top(items, anchors, allow_lead)[0], inf
        best.append(cur)
        back.append(bp)
    final_cost, final_start = inf, -1
    for s, c in best[-1].items():
        total = c + cost(s, m, n - 1)
        if total < final_cost:
            final_cost, final_start = total, s
    starts = [0] * n
    starts[n - 1] = final_start
    for k in range(n - 1, 0, -1):
        starts[k - 1] = back[k][starts[k]]
    out = [LEAD] * m
    for k in range(n):
        end = starts[k + 1] if k + 1 < n else m
        for i in range(starts[k], end):
            out[i] = k
    return out, final_cost
