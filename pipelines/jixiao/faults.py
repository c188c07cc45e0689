"""Pause points for fault-injection tests.

The reliability tests kill a real ``jixiao load`` process with SIGKILL at chosen points
(while staging a document, while publishing the warehouse). A test sets
``JIXIAO_FAULT_PAUSE`` to the point's name and ``JIXIAO_FAULT_MARKER`` to a file: when the
load reaches that point it writes its pid into the marker and waits, so that the test
can kill it right there. Without the variables these calls do nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = ("staging", "publish")


def pause_point(name: str) -> None:
    if os.environ.get("JIXIAO_FAULT_PAUSE") != name:
        return
    marker = os.environ.get("JIXIAO_FAULT_MARKER")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("JIXIAO_FAULT_SECONDS", "300")))
