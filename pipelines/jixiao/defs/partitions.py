"""A document is one department's budget for one year: partitions are years × departments.

Years are static (a backfill of a year range selects them); departments are added by
the manifest sensor as manifests name them. A combination no manifest lists is skipped.
"""

import dagster as dg

FIRST_YEAR, LAST_YEAR = 2015, 2035

years = dg.StaticPartitionsDefinition([str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)])
departments = dg.DynamicPartitionsDefinition(name="departments")
documents = dg.MultiPartitionsDefinition({"year": years, "department": departments})


def document_partition(year: int, department: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"year": str(year), "department": department})


def year_and_department(context: dg.AssetExecutionContext) -> tuple[int, str]:
    key = context.partition_key
    if not isinstance(key, dg.MultiPartitionKey):  # a key given as text ("<department>|<year>")
        key = documents.get_partition_key_from_str(key)
    dims = key.keys_by_dimension
    return int(dims["year"]), dims["department"]
