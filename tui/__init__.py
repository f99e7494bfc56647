"""goodnews-tui: a keyboard-driven terminal browser for the goodnews Markdown news mirror."""

__version__ = "0.1.0"
