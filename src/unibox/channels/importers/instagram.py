"""Instagram messages ("Download your information", JSON): the same form as Messenger's
(messenger.py), under ``your_instagram_activity/messages/`` or in a download named
"instagram-…"; channel and handles ``instagram``."""

from __future__ import annotations

from unibox.channels.importers.messenger import MessengerImporter

IMPORTER = MessengerImporter("instagram", "Instagram download (JSON)", instagram=True)
