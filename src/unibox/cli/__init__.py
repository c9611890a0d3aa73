"""The `unibox` command: the window by default, plus headless commands (one module each)."""

from unibox.cli.main import main

__all__ = ["main"]
