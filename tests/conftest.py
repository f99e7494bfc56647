"""Shared fixtures: a loopback server over the corpus and fast network policies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.corpus_server import CorpusServer
from tui.core.fetch import FetchPolicy

#: Short timeouts and near-zero backoff so fault tests finish in well under a second.
FAST_POLICY = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=1.0,
    attempt_timeout=2.0,
    deadline=4.0,
    retries=2,
    backoff_base=0.01,
    backoff_cap=0.05,
    retry_after_cap=2.0,
)


@pytest.fixture
def corpus_server() -> Iterator[CorpusServer]:
    """A started ``CorpusServer`` (see its module docstring); stopped after the test."""
    server = CorpusServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fast_policy() -> FetchPolicy:
    return FAST_POLICY
