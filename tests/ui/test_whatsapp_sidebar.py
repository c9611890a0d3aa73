"""Imported WhatsApp history in the sidebar: under Channels, not as an empty account."""

from __future__ import annotations

from unibox.store.folder_tree import AccountEntry
from unibox.store.views import View, ViewKind
from unibox.ui.models.sidebar import _tree


def test_imported_history_is_a_channel_and_no_account_heading() -> None:
    imported = AccountEntry(7, "whatsapp", "", "whatsapp (imported)", (), kind="import")
    root = _tree([imported], [("email", "Email", "mail"), ("whatsapp", "WhatsApp", "chat")])
    titles = [c.title for c in root.children]
    assert "whatsapp (imported)" not in titles
    channels = root.children[titles.index("Channels")]
    assert [(c.title, c.view) for c in channels.children][-1] == (
        "WhatsApp",
        View(ViewKind.CHANNEL, channel="whatsapp"),
    )
