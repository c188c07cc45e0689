"""Sources for a test: documents of the generated corpus and a manifest listing them."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS


def corpus_manifest(folder: Path, *docs: tuple[str, int, str]) -> Path:
    """``folder/m.yaml`` listing each ``(department, year, corpus PDF)``, the PDFs copied
    beside it (once)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["documents:"]
    for department, year, name in docs:
        if not (folder / name).exists():
            shutil.copy(CORPUS / name, folder / name)
        lines.append(f"  - {{department: {department}, year: {year}, path: {name}}}")
    path = folder / "m.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
