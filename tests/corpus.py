"""Access to the real mirror pages in ``../shared/corpus`` (never copied into the project)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tui.core.urls import PageRef

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MIRROR_ROOT = CORPUS / "begood0513" / "goodnews" / "master"


@dataclass(frozen=True, slots=True)
class CorpusPage:
    ref: PageRef
    kind: str  # home, index, article, other, missing
    chars: int

    @property
    def file(self) -> Path:
        return CORPUS / self.ref.raw_path

    def text(self) -> str:
        return self.file.read_bytes().decode("utf-8")


@cache
def manifest() -> tuple[CorpusPage, ...]:
    """Every row of MANIFEST.tsv (refs at ``master``)."""
    rows: list[CorpusPage] = []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            owner, repo = row["owner/repo"].split("/", 1)
            ref = PageRef(owner, repo, "master", row["path"])
            rows.append(CorpusPage(ref, row["kind"], int(row["chars"])))
    return tuple(rows)


def pages(*kinds: str) -> list[CorpusPage]:
    """Manifest rows of the given kinds (all present pages when none given)."""
    wanted = set(kinds) or {"home", "index", "article", "other"}
    return [p for p in manifest() if p.kind in wanted]
