"""Open a trace as text lines, gzip-compressed or not, with errors that name the file."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import TextIO

from replsim.workload.errors import WorkloadError

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    """True if the file starts with the gzip magic bytes (whatever its name)."""
    with path.open("rb") as raw:
        return raw.read(2) == GZIP_MAGIC


def open_text(path: Path) -> TextIO:
    """A text stream of the (decompressed) file; undecodable bytes become U+FFFD."""
    try:
        if is_gzip(path):
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace",
                                    newline=None)
        return path.open("r", encoding="utf-8", errors="replace", newline=None)
    except OSError as exc:
        raise WorkloadError(f"{path}: cannot open the trace: {exc.strerror or exc}") from None
