"""What the main window offers: its menus, the keys on them, and the keys without a menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from unibox.store.views import View, ViewKind
from unibox.ui.window_actions import Command, Commands, bind

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow


def install_commands(w: MainWindow) -> Commands:
    """Build the menu bar (Mail, Message, Go, View, Help) and bind every key."""
    c = Commands(w)
    t = w.triage
    c.menu("mail", "&Mail")
    w.sync_action = c.add("mail", Command("&Sync now", ("F5",), w.accounts.sync_now, "Sync now"))
    w.sync_action.setEnabled(w.syncs is not None)
    w.add_account_action = c.add("mail", Command("&Add account…", (), w.accounts.add_account))
    w.add_account_action.setEnabled(w.syncs is not None)
    c.separator("mail")
    settings = c.add("mail", Command("Se&ttings…", ("Ctrl+,",), w.open_settings, "Settings"))
    settings.setMenuRole(QAction.MenuRole.PreferencesRole)  # under "unibox" on macOS
    c.separator("mail")
    quit_keys = QKeySequence(QKeySequence.StandardKey.Quit).toString()
    c.add("mail", Command("&Quit", (quit_keys,), w.quit, "Quit", ("Ctrl+Q",)))

    c.menu("message", "M&essage")
    c.add("message", Command("&Archive", ("E",), t.archive, "Archive (done)", ("e",)))
    c.add("message", Command("&Delete", ("#", "Del"), t.delete, "Move to Trash", ("#", "Del")))
    c.add("message", Command("&Junk", ("!",), t.junk, "Move to Junk", ("!",)))
    c.separator("message")
    c.add("message", Command("&Snooze…", ("B",), w.keys.open_snooze, "Snooze until…", ("b",)))
    c.add(
        "message",
        Command("&Follow up", ("H",), t.toggle_followup, "Follow up in 3 days if no reply", ("h",)),
    )
    c.add("message", Command("&Flag or unflag", ("S",), t.toggle_flag, "Flag or unflag", ("s",)))
    c.add(
        "message", Command("Mark as &read", ("Shift+I",), t.mark_read, "Mark as read", ("Shift+I",))
    )
    c.add(
        "message",
        Command("Mark as &unread", ("Shift+U",), t.mark_unread, "Mark as unread", ("Shift+U",)),
    )
    c.separator("message")
    c.add("message", Command("&Undo", ("Z", "Ctrl+Z"), t.undo, "Undo the last action", ("z",)))

    c.menu("go", "&Go")
    for keys, title, kind in (
        ("G, I", "&Inbox", ViewKind.INBOX),
        ("G, N", "&Needs reply", ViewKind.NEEDS_REPLY),
        ("G, F", "Needs &follow-up", ViewKind.FOLLOWUP),
        ("G, S", "F&lagged", ViewKind.FLAGGED),
        ("G, Z", "&Snoozed", ViewKind.SNOOZED),
    ):
        shown = (keys.lower().replace(", ", " then "),)
        c.add(
            "go",
            Command(title, (keys,), _go(w, View(kind)), f"Go to {title.replace('&', '')}", shown),
        )
    c.separator("go")
    c.add("go", Command("&Search", ("/",), w.keys.focus_search, "Search", ("/",)))

    c.menu("view", "&View")
    w.plain_text_action = c.add(
        "view",
        Command(
            "&Plain text",
            ("Ctrl+Shift+H",),
            lambda: w.message_view.set_plain_text(w.plain_text_action.isChecked()),
            "Plain text or HTML",
            checkable=True,
        ),
    )
    w.group_action = c.add(
        "view",
        Command(
            "&Group by conversation",
            ("Ctrl+Shift+G",),
            w.toggle_grouping,
            "Group by conversation",
            checkable=True,
        ),
    )
    w.person_action = c.add(
        "view",
        Command(
            "P&erson panel",
            ("Ctrl+Shift+I",),
            w.shown.toggle_person_panel,
            "Person panel",
            checkable=True,
        ),
    )
    w.group_action.setChecked(w.messages.grouped)
    w.person_action.setChecked(w.person_panel.isVisibleTo(w))
    w.plain_text_action.setChecked(w.message_view.plain_text)
    w.message_view.plain_text_changed.connect(w.plain_text_action.setChecked)

    c.menu("help", "&Help")
    c.add(
        "help", Command("&Keyboard shortcuts", ("?",), w.overlay.toggle, "Show or hide this list")
    )

    window_keys = (
        ("J", lambda: w.message_list.step(1)),
        ("K", lambda: w.message_list.step(-1)),
        ("Shift+J", lambda: w.message_list.extend(1)),
        ("Shift+K", lambda: w.message_list.extend(-1)),
        ("U", w.keys.back_to_list),
        ("Escape", w.keys.back_to_list),
    )
    for keys, slot in window_keys:
        bind(w, keys, slot, Qt.ShortcutContext.WindowShortcut)
    # Enter and Space belong to the search field when it has focus.
    for keys, slot in (
        ("Return", w.keys.read),
        ("Enter", w.keys.read),
        ("Space", w.keys.scroll_body),
    ):
        bind(w.message_list, keys, slot, Qt.ShortcutContext.WidgetShortcut)
    w.message_list.menu_requested.connect(c.show_context_menu)
    return c


def _go(w: MainWindow, view: View) -> Callable[[], None]:
    return lambda: w.keys.go_to(view)
