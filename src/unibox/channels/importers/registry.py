"""The export formats `unibox import` knows, in the order they are asked to detect.

One module of this package per format, holding ``IMPORTER`` (see base.py).
A format whose structure is unmistakable (named JSON files) goes before one
recognized by looser signs (WhatsApp's dated lines in any .txt).
"""

from __future__ import annotations

import importlib

from unibox.channels.importers.base import Importer
from unibox.channels.importers.source import Source

NAMES: tuple[str, ...] = (
    "slack",
    "telegram",
    "instagram",
    "messenger",
    "linkedin_export",
    "x_export",
    "sms_export",
    "mail_archive",
    "whatsapp_chats",
)


def importers() -> list[Importer]:
    found = []
    for module in NAMES:
        imported = importlib.import_module(f"unibox.channels.importers.{module}")
        found.append(imported.IMPORTER)
    return found


def by_name(name: str) -> Importer | None:
    return next((i for i in importers() if i.name == name), None)


def detect(source: Source) -> Importer | None:
    """The first importer that recognizes `source`, None when none does."""
    return next((i for i in importers() if i.detect(source)), None)
