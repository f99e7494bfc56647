"""The browser on a censored network (issue 10): a name that does not resolve, a host that
resets, a host that never answers, then one that works; all on loopback."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.conftest import FAST_POLICY
from tests.corpus_server import BadEndpoint, CorpusServer
from tests.ui.helpers import state, wait_for
from tui.app import make_app
from tui.core.config import Options
from tui.core.library import Library
from tui.core.mirror import open_mirror

POLICY = FAST_POLICY._replace(hedge_after=0.5)


async def _home_within(options: Options, seconds: float) -> tuple[float, str]:
    app = make_app(options, open_mirror(options, policy=POLICY), Library(None))
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: state(app).place.kind == "home" and len(state(app).rows) > 10,
            timeout=seconds,
        )
        elapsed = time.monotonic() - started
        header = str(app.browser.crumbs.source)
    return elapsed, header


def _gone_is_fine(function: object, path: str, info: tuple[type, BaseException, object]) -> None:
    """``rmtree``'s error hook: a file that went meanwhile is removed already."""
    error = info[1]
    if not isinstance(error, FileNotFoundError):
        raise error


async def test_the_app_finds_the_working_endpoint_then_remembers_it(
    corpus_server: CorpusServer, tmp_path: Path
) -> None:
    with BadEndpoint("reset") as reset, BadEndpoint("silent") as silent:
        chain = ("http://goodnews-mirror.invalid", reset.base_url, silent.base_url)
        options = Options(cache_dir=tmp_path, mirrors=(*chain, corpus_server.base_url))
        cold, header = await _home_within(options, 10.0)
        assert cold < 10.0
        assert f"127.0.0.1:{corpus_server.port}" in header  # where the pages come from
        # The next start, with nothing cached: straight to the endpoint that answered.
        # The first app's page cache may still be closing in its thread: SQLite removes its
        # write-ahead log as it closes, which is a file gone mid-removal, not an error.
        shutil.rmtree(tmp_path / "pages", onerror=_gone_is_fine)
        assert not (tmp_path / "pages").exists()
        before = (reset.accepted, silent.accepted)
        await _home_within(options, 10.0)
        # No bad endpoint is even connected to (how soon: a target of bench/fetch.py).
        assert (reset.accepted, silent.accepted) == before
