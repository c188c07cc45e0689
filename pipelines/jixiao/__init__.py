"""jixiao (绩效): budget performance targets from published PDFs into a DuckDB warehouse."""

__version__ = "0.1.0"
