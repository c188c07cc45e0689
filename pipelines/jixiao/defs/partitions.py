"""One partition per document: the manifests' document keys (``2025-广州市教育局``,
``2026-广州市生态环境局-部门整体``: the year, then the department, whose name carries its
region and district), added and removed by the manifest sensor as the manifests list them.
No partition exists that no manifest lists.

A backfill takes the documents in batches: ``JIXIAO_PARTITIONS_PER_RUN`` documents per run
(Dagster's multi-run backfill policy; default 1, one run per document). A country's load is
hundreds of thousands of documents: one run each costs a run worker per document, one run for
all of them is one giant run that no worker can share; batches of a few dozen keep every
worker busy at a fraction of the runs. Within a batch each document is still fetched, parsed
(in its own time- and memory-limited parser process) and staged on its own, and reported as
its own partition. The manifest sensor adds new partitions in key order, so a batch is one
year's departments, neighbours by name (a department's name begins with its region).
"""

import os

import dagster as dg

DOCUMENTS = "documents"
documents = dg.DynamicPartitionsDefinition(name=DOCUMENTS)

PER_RUN_ENV = "JIXIAO_PARTITIONS_PER_RUN"


def partitions_per_run() -> int:
    text = os.environ.get(PER_RUN_ENV, "").strip() or "1"
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{PER_RUN_ENV}={text!r} is not a whole number of documents (1 or more)")
    return int(text)


def backfill_policy() -> dg.BackfillPolicy | None:
    """Dagster's default (one run per partition) unless batches are asked for."""
    n = partitions_per_run()
    return dg.BackfillPolicy.multi_run(max_partitions_per_run=n) if n > 1 else None
