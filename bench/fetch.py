"""Fetch every corpus page over loopback, cold cache then warm; print pages/s and p50/p95.

Cold: each page is fetched from the loopback corpus server and written to an empty cache.
Warm: the same pages again through the same ``Mirror``, all answered from the cache (the
server is stopped first, so a miss would fail loudly instead of silently measuring HTTP).

    uv run python bench/fetch.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus import pages  # noqa: E402
from tests.corpus_server import CorpusServer  # noqa: E402
from tui.core.config import Options  # noqa: E402
from tui.core.mirror import Origin, open_mirror  # noqa: E402


def _report(name: str, latencies: list[float], wall: float) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{name:<5} {len(latencies):4d} pages  {len(latencies) / wall:8.0f} pages/s  "
        f"p50 {statistics.median(ordered) * 1000:7.2f} ms  p95 {p95 * 1000:7.2f} ms"
    )


async def _round(server: CorpusServer, cache_dir: Path) -> tuple[str, str]:
    refs = [p.ref for p in pages()]
    mirror = open_mirror(Options(mirror=server.base_url, cache_dir=cache_dir))
    try:
        cold: list[float] = []
        started = time.perf_counter()
        for ref in refs:
            t = time.perf_counter()
            fetched = await mirror.get(ref)
            cold.append(time.perf_counter() - t)
            assert fetched.origin is Origin.NETWORK
        cold_wall = time.perf_counter() - started
        server.stop()
        warm: list[float] = []
        started = time.perf_counter()
        for ref in refs:
            t = time.perf_counter()
            fetched = await mirror.get(ref)
            warm.append(time.perf_counter() - t)
            assert fetched.origin is Origin.CACHE
        warm_wall = time.perf_counter() - started
    finally:
        await mirror.aclose()
        server.start()
    return _report("cold", cold, cold_wall), _report("warm", warm, warm_wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chars = sum(p.chars for p in pages())
    print(
        f"corpus: {len(pages())} pages, {chars / 1000:.0f}K chars; loopback HTTP; {args.rounds} rounds"
    )
    server = CorpusServer().start()
    try:
        for i in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                cold, warm = asyncio.run(_round(server, Path(tmp)))
            print(f"round {i + 1}: {cold}")
            print(f"         {warm}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
