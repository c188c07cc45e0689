#!/usr/bin/env python3
"""Score an extraction of a 项目支出绩效目标表 against its truth (shared/spec/extraction.md).

usage:
    python score.py TRUTH.json EXTRACTED.json
    python score.py --dir TRUTHDIR --pred PREDDIR [-q]

--dir pairs every NAME.truth.json in TRUTHDIR with NAME.json in PREDDIR; a
missing or unreadable prediction counts as an empty extraction.  -q prints
only the overall block.  Standard library only; exits 0 unless the arguments
are wrong (2).

What is compared
  rows        matched on (row_type, unit, project) with all whitespace removed
              (repeated keys pair up in order): precision and recall
  amounts     every amount key of a matched row (truth's and prediction's), as
              decimals; null only equals null
  text        goal and indicators_raw of matched rows, whitespace removed
  row meta    disclosed and page of matched rows
  indicators  matched on (unit, project, seq): precision and recall
  ind fields  level1, level2, name, period_target, annual_target, op, value
              (as a decimal), value_unit of matched indicators
  document    department, year, pages, currency_unit, layout
Each component is a fraction (micro-averaged over files); a component with
nothing to compare is 1 when the truth has nothing of that kind, else 0.
The last line is `overall: X`, the mean of the nine components.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from decimal import Decimal, InvalidOperation

WS = re.compile(r"\s+")
AMOUNT_ALIASES = {
    "general_budget": "general_public_budget",
    "public_budget": "general_public_budget",
    "general_public_budget_appropriation": "general_public_budget",
    "government_funds": "government_fund",
    "government_fund_budget": "government_fund",
    "government_managed_fund": "government_fund",
    "government_fund_appropriation": "government_fund",
}
IND_FIELDS = ["level1", "level2", "name", "period_target", "annual_target", "op", "value", "value_unit"]
IND_GROUPS = [
    ("level1", ["level1"]),
    ("level2", ["level2"]),
    ("name", ["name"]),
    ("targets", ["period_target", "annual_target"]),
    ("op/value/unit", ["op", "value", "value_unit"]),
]
DOC_FIELDS = ["department", "year", "pages", "currency_unit", "layout"]
COMPONENTS = [
    "row_precision",
    "row_recall",
    "amount_accuracy",
    "text_accuracy",
    "row_meta_accuracy",
    "indicator_precision",
    "indicator_recall",
    "indicator_field_accuracy",
    "document_accuracy",
]


def norm(s) -> str:
    if s is None:
        return ""
    return WS.sub("", str(s))


def dec(x):
    if x is None or x == "":
        return None
    try:
        return Decimal(str(x).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return str(x)


def same_amount(a, b) -> bool:
    return dec(a) == dec(b)


def as_list(x):
    return x if isinstance(x, list) else []


def as_dict(x):
    return x if isinstance(x, dict) else {}


def match(truth_items, pred_items, key):
    """Pair items with equal keys, repeated keys in order.  Returns [(t, p)]."""
    pool: dict = {}
    for p in pred_items:
        pool.setdefault(key(p), []).append(p)
    pairs = []
    for t in truth_items:
        lst = pool.get(key(t))
        if lst:
            pairs.append((t, lst.pop(0)))
    return pairs


class Tally:
    def __init__(self):
        self.c: dict = {}

    def add(self, name, ok: bool):
        num, den = self.c.get(name, (0, 0))
        self.c[name] = (num + (1 if ok else 0), den + 1)

    def get(self, name):
        return self.c.get(name, (0, 0))

    def merge(self, other):
        for k, (a, b) in other.c.items():
            num, den = self.c.get(k, (0, 0))
            self.c[k] = (num + a, den + b)


def frac(t: Tally, name: str, truth_has: bool) -> float:
    num, den = t.get(name)
    if den == 0:
        return 0.0 if truth_has else 1.0
    return num / den


def row_key(r):
    r = as_dict(r)
    return (norm(r.get("row_type")), norm(r.get("unit")), norm(r.get("project")))


def ind_key(i):
    i = as_dict(i)
    try:
        seq = int(i.get("seq"))
    except (TypeError, ValueError):
        seq = None
    return (norm(i.get("unit")), norm(i.get("project")), seq)


def canon_amounts(a) -> dict:
    out = {}
    for k, v in as_dict(a).items():
        out[AMOUNT_ALIASES.get(k, k)] = v
    return out


def score_pair(truth: dict, pred: dict) -> tuple[Tally, dict]:
    t = Tally()
    trows, prows = as_list(truth.get("rows")), [r for r in as_list(pred.get("rows")) if isinstance(r, dict)]
    tinds, pinds = (
        as_list(truth.get("indicators")),
        [i for i in as_list(pred.get("indicators")) if isinstance(i, dict)],
    )
    has = {"rows": bool(trows), "inds": bool(tinds)}
    pairs = match(trows, prows, row_key)
    t.c["row_precision"] = (len(pairs), len(prows))
    t.c["row_recall"] = (len(pairs), len(trows))
    for tr, pr in pairs:
        ta, pa = canon_amounts(tr.get("amounts")), canon_amounts(pr.get("amounts"))
        for k in sorted(set(ta) | set(pa)):
            if ta.get(k) is None and pa.get(k) is None:
                if k in ta:
                    t.add("amount_accuracy", True)
                continue
            t.add("amount_accuracy", same_amount(ta.get(k), pa.get(k)))
        for f in ("goal", "indicators_raw"):
            t.add("text_accuracy", norm(tr.get(f)) == norm(pr.get(f)))
        t.add("row_meta_accuracy", bool(tr.get("disclosed")) == bool(pr.get("disclosed", True)))
        t.add("row_meta_accuracy", str(tr.get("page")) == str(pr.get("page")))
    ipairs = match(tinds, pinds, ind_key)
    t.c["indicator_precision"] = (len(ipairs), len(pinds))
    t.c["indicator_recall"] = (len(ipairs), len(tinds))
    for ti, pi in ipairs:
        for f in IND_FIELDS:
            ok = same_amount(ti.get(f), pi.get(f)) if f == "value" else norm(ti.get(f)) == norm(pi.get(f))
            t.add("indicator_field_accuracy", ok)
            t.add("ind:" + f, ok)
    td, pd = as_dict(truth.get("document")), as_dict(pred.get("document"))
    for f in DOC_FIELDS:
        if f == "year":
            try:
                ok = int(td.get(f)) == int(pd.get(f))
            except (TypeError, ValueError):
                ok = False
        elif f == "pages":
            try:
                ok = [int(x) for x in td.get(f)] == [int(x) for x in pd.get(f)]
            except (TypeError, ValueError):
                ok = False
        else:
            ok = norm(td.get(f)) == norm(pd.get(f))
        t.add("document_accuracy", ok)
        t.add("doc:" + f, ok)
    return t, has


def components(t: Tally, has: dict) -> dict:
    out = {}
    for c in COMPONENTS:
        if c == "row_precision":
            num, den = t.get(c)
            out[c] = (num / den) if den else (0.0 if has["rows"] else 1.0)
        elif c == "indicator_precision":
            num, den = t.get(c)
            out[c] = (num / den) if den else (0.0 if has["inds"] else 1.0)
        elif c.startswith("indicator"):
            out[c] = frac(t, c, has["inds"])
        elif c == "document_accuracy":
            out[c] = frac(t, c, True)
        else:
            out[c] = frac(t, c, has["rows"])
    return out


def report(title: str, t: Tally, has: dict, out=sys.stdout) -> float:
    comp = components(t, has)

    def nd(name):
        num, den = t.get(name)
        return f"{num}/{den}"

    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"== {title} ==")
    p(
        f"  rows        precision {comp['row_precision']:.3f}  recall {comp['row_recall']:.3f}"
        f"  (truth {t.get('row_recall')[1]}, predicted {t.get('row_precision')[1]}, matched {t.get('row_recall')[0]})"
    )
    p(f"  amounts     {comp['amount_accuracy']:.3f}  ({nd('amount_accuracy')})")
    p(f"  text        {comp['text_accuracy']:.3f}  ({nd('text_accuracy')} goal/indicators_raw)")
    p(f"  row meta    {comp['row_meta_accuracy']:.3f}  ({nd('row_meta_accuracy')} disclosed/page)")
    p(
        f"  indicators  precision {comp['indicator_precision']:.3f}  recall {comp['indicator_recall']:.3f}"
        f"  (truth {t.get('indicator_recall')[1]}, predicted {t.get('indicator_precision')[1]}, "
        f"matched {t.get('indicator_recall')[0]})"
    )
    parts = []
    for g, fields in IND_GROUPS:
        num = sum(t.get("ind:" + f)[0] for f in fields)
        den = sum(t.get("ind:" + f)[1] for f in fields)
        parts.append(f"{g} {num / den:.3f}" if den else f"{g} -")
    p(f"  ind fields  {comp['indicator_field_accuracy']:.3f}  ({'  '.join(parts)})")
    dparts = []
    for f in DOC_FIELDS:
        num, den = t.get("doc:" + f)
        dparts.append(f"{f} {num}/{den}")
    p(f"  document    {comp['document_accuracy']:.3f}  ({'  '.join(dparts)})")
    score = sum(comp.values()) / len(comp)
    p(f"  score       {score:.3f}")
    return score


def load(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        return d if isinstance(d, dict) else {}, None
    except FileNotFoundError:
        return {}, "no prediction"
    except (OSError, ValueError) as e:
        return {}, f"unreadable prediction ({e.__class__.__name__})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Score an extraction against its truth.",
        usage="score.py TRUTH.json EXTRACTED.json | score.py --dir TRUTHDIR --pred PREDDIR",
    )
    ap.add_argument("files", nargs="*")
    ap.add_argument("--dir")
    ap.add_argument("--pred")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.dir or a.pred:
        if not (a.dir and a.pred) or a.files or not os.path.isdir(a.dir):
            ap.print_usage(sys.stderr)
            return 2
        names = sorted(f[: -len(".truth.json")] for f in os.listdir(a.dir) if f.endswith(".truth.json"))
        pairs = [
            (os.path.join(a.dir, n + ".truth.json"), os.path.join(a.pred, n + ".json"), n) for n in names
        ]
    elif len(a.files) == 2:
        pairs = [(a.files[0], a.files[1], os.path.basename(a.files[0]))]
    else:
        ap.print_usage(sys.stderr)
        return 2
    total, has_all = Tally(), {"rows": False, "inds": False}
    sink = open(os.devnull, "w") if a.quiet else sys.stdout
    for tpath, ppath, name in pairs:
        try:
            with open(tpath, encoding="utf-8") as f:
                truth = json.load(f)
        except (OSError, ValueError) as e:
            print(f"cannot read truth {tpath}: {e}", file=sys.stderr)
            return 2
        pred, note = load(ppath)
        t, has = score_pair(truth, pred)
        report(name + (f"  [{note}]" if note else ""), t, has, sink)
        total.merge(t)
        has_all = {k: has_all[k] or has[k] for k in has}
    score = report(f"overall ({len(pairs)} file{'s' if len(pairs) != 1 else ''})", total, has_all)
    print(f"overall: {score:.3f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        sys.exit(0)
