"""One partition per document: the manifests' document keys (``2025-广州市教育局``,
``2026-广州市生态环境局-部门整体``), added and removed by the manifest sensor as the
manifests list them. No partition exists that no manifest lists."""

import dagster as dg

DOCUMENTS = "documents"
documents = dg.DynamicPartitionsDefinition(name=DOCUMENTS)
