"""Golden ``dump`` outputs for a few pages of the bundled sample mirror.

The goldens pin the text and JSON formats users script against. After an intended change,
regenerate them with ``GOODNEWS_UPDATE_GOLDEN=1 uv run pytest tests/test_dump_golden.py`` and
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.dump import render_dump
from tui.core.parse import parse_page
from tui.core.urls import PageRef

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tui" / "sample" / "goodnews-sample" / "goodnews" / "master"
GOLDEN = Path(__file__).resolve().parent / "golden"
HOME = PageRef("begood0513", "goodnews", "master", "README.md")
UPDATE = os.environ.get("GOODNEWS_UPDATE_GOLDEN") == "1"

CASES = [
    ("README.md", "text"),
    ("indexes/E头条.md", "text"),
    ("pages/nsc413/n14200001.md", "text"),
    ("pages/prog204/a104000101.md", "text"),
    ("pages/soh_rdzz/n4000101.md", "text"),
    ("pages/p1/2000001.md", "text"),
    ("pages/p1/2000001.md", "json"),
    ("indexes/E头条.md", "json"),
]


def golden_name(path: str, mode: str) -> str:
    return path.replace("/", "__").removesuffix(".md") + (".json" if mode == "json" else ".txt")


@pytest.mark.parametrize(("path", "mode"), CASES, ids=[f"{p}:{m}" for p, m in CASES])
def test_dump_matches_golden(path: str, mode: str) -> None:
    source = SAMPLE / path
    if not source.is_file():
        pytest.skip(f"sample page {path} not present")
    text = source.read_text(encoding="utf-8")
    # render_dump is what the CLI prints: the goldens pin that path, parsing included.
    ref = HOME.with_path(path)
    out = render_dump(parse_page(ref, text, HOME), HOME, as_json=mode == "json", width=72)
    page = parse_page(HOME.with_path(path), text, HOME)
    golden = GOLDEN / golden_name(path, mode)
    if UPDATE or not golden.exists():
        if not UPDATE:
            pytest.fail(f"no golden {golden.name}; run with GOODNEWS_UPDATE_GOLDEN=1")
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert not page.warnings
