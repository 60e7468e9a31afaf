"""Results of a run: tidy DataFrames in memory, a folder of files on disk.

A results folder is written to a temporary sibling and renamed into place at the end,
so an interrupted save never leaves a half-written folder behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

TABLES = ("writes", "rpo", "links", "states", "snapshots", "api_calls", "summary")


def _replaceable(folder: Path) -> bool:
    """Only an earlier results folder (or an empty one) may be replaced by `save`."""
    return folder.is_dir() and ((folder / "manifest.json").is_file()
                                or not any(folder.iterdir()))


@dataclass
class Results:
    """The DataFrames of one run and the manifest that says how they were made."""

    writes: pd.DataFrame
    rpo: pd.DataFrame
    links: pd.DataFrame
    states: pd.DataFrame
    snapshots: pd.DataFrame
    api_calls: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write Parquet tables, summary.csv and manifest.json atomically into `path`."""
        target = Path(path)
        if target.exists() and not overwrite:
            raise FileExistsError(f"results folder {target} exists (pass overwrite=True)")
        if target.exists() and not _replaceable(target):
            raise FileExistsError(f"will not overwrite {target}: it is not a replsim results "
                                  "folder (no manifest.json) and not empty")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for name, frame in self.tables().items():
                frame.to_parquet(staging / f"{name}.parquet", index=False)
            self.summary.to_csv(staging / "summary.csv", index=False)
            (staging / "manifest.json").write_text(json.dumps(self.manifest, indent=2,
                                                              default=str))
            self._write_extras(staging)
            staging.chmod(0o755)  # mkdtemp makes it owner-only
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target

    def _write_extras(self, folder: Path) -> None:
        from replsim.plots import write_figures

        write_figures(self, folder / "figures")

    @classmethod
    def load(cls, path: str | os.PathLike) -> Results:
        folder = Path(path)
        if not (folder / "manifest.json").is_file():
            raise FileNotFoundError(f"{folder} is not a replsim results folder (no manifest.json)")
        tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        manifest = json.loads((folder / "manifest.json").read_text())
        return cls(**tables, manifest=manifest)
