"""The `unibox` command: the window by default, plus headless commands.

A stable contract: scripts and tests rely on the commands, their JSON and
their exit codes (0 success, 1 failure with a one-line reason on stderr,
2 a usage error).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from unibox import __version__
from unibox.core.errors import UserError

log = logging.getLogger("unibox.cli")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="unibox", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"unibox {__version__}")
    p.add_argument("--profile", help="profile directory (default: $UNIBOX_PROFILE or per-user)")
    p.add_argument("--demo", action="store_true", help="open the window on a fresh demo profile")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    sub = p.add_subparsers(dest="command")

    for module in COMMAND_MODULES:
        _COMMANDS.update(module.register(sub))
    return p


class CommandModule(Protocol):
    """A module adding commands: `register` adds its parsers and returns their handlers.

    Keep such modules light to import; import heavy things inside handlers.
    """

    def register(self, sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]: ...


# One module per command group, each registering its own parsers.
COMMAND_MODULES: tuple[CommandModule, ...] = (
    importlib.import_module("unibox.cli.account"),
    importlib.import_module("unibox.cli.sync"),
    importlib.import_module("unibox.cli.search"),
    importlib.import_module("unibox.cli.mail_actions"),
    importlib.import_module("unibox.cli.people"),
    importlib.import_module("unibox.cli.events"),
    importlib.import_module("unibox.cli.event_actions"),
    importlib.import_module("unibox.cli.calendars"),
    importlib.import_module("unibox.cli.store_care"),
    importlib.import_module("unibox.cli.attachments"),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if args.command is None:
        from unibox.app import run_gui

        return run_gui(profile=args.profile, demo=args.demo)
    try:
        return _COMMANDS[args.command](args)
    except UserError as exc:
        print(f"unibox: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
