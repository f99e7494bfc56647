"""The console entry point: ``goodnews-tui`` and ``python -m tui``.

Start-up allocates a few hundred thousand long-lived objects (Textual, our modules, the
first screen). With the cyclic collector running, it walks them again and again while they
load: about 10 ms of a 0.2 s start, measured by ``bench/ui.py``. So the collector is off
until the browser has painted its first frame (``GoodnewsApp`` then freezes what exists and
turns it back on) or, for ``dump`` and errors, until the command line is parsed.
"""

from __future__ import annotations

import gc
import os

SSH_FPS = "15"  # frames a second over SSH (Textual's default is 60)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with the collector paused for start-up."""
    if os.environ.get("SSH_CONNECTION"):
        # Fewer frames over a remote link: a held key sends 17-20% fewer bytes and the
        # screen settles sooner behind a slow link (bench/ssh.py). Read by Textual at
        # import, so set here, first; TEXTUAL_FPS set by the user still wins.
        os.environ.setdefault("TEXTUAL_FPS", SSH_FPS)
    gc.disable()
    try:
        from tui.cli import main as cli_main

        return cli_main(argv)
    finally:
        gc.enable()
