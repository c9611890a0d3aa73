"""The main window: builds the panes and wires their signals; panes know nothing of each other."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from unibox.config import Settings
from unibox.core.triage import Clock, utc_now
from unibox.store.view_counts import Counts
from unibox.store.views import View, ViewKind
from unibox.ui.bridge import Bridge
from unibox.ui.calendar.wiring import CalendarSide
from unibox.ui.chat_pane import ChatPane
from unibox.ui.compose.wiring import SHORTCUTS as COMPOSE_SHORTCUTS
from unibox.ui.compose.wiring import install_compose
from unibox.ui.history_import import HistoryImport
from unibox.ui.icons import app_icon
from unibox.ui.invitation_answers import InvitationAnswers
from unibox.ui.list_flow import ListFlow
from unibox.ui.list_pane import ListPane
from unibox.ui.models.message_list import MessageListModel
from unibox.ui.models.person import PersonLoader
from unibox.ui.models.reader import MessageLoader
from unibox.ui.models.sidebar import SidebarModel
from unibox.ui.people.wiring import PEOPLE_SHORTCUTS, PeopleSide
from unibox.ui.preferences import GROUP_CONVERSATIONS, PERSON_PANEL, Preferences
from unibox.ui.reading import ReadingActions
from unibox.ui.shown_item import ShownItem
from unibox.ui.side_pane import SidePane
from unibox.ui.snooze_waker import SnoozeWaker
from unibox.ui.triage import Triage
from unibox.ui.widgets.action_notice import ActionNotice
from unibox.ui.widgets.chat_view import ChatView
from unibox.ui.widgets.message_view import MessageView
from unibox.ui.widgets.person_panel import PersonPanel
from unibox.ui.widgets.shortcuts_overlay import ShortcutsOverlay
from unibox.ui.widgets.sidebar_view import SidebarView
from unibox.ui.widgets.snooze_picker import SnoozePicker
from unibox.ui.widgets.sync_status import SyncStatus
from unibox.ui.widgets.welcome import WelcomePage
from unibox.ui.window_accounts import AccountsSide
from unibox.ui.window_keys import WindowKeys
from unibox.ui.window_menus import install_commands
from unibox.ui.window_state import restore_layout, save_layout

if TYPE_CHECKING:  # loaded only once syncing starts, after the first paint
    from unibox.secrets import SecretStore
    from unibox.ui.settings.dialog import SettingsDialog
    from unibox.ui.sync_service import SyncService


class MainWindow(QMainWindow):
    """Sidebar, message list with search, reading pane and status bar.

    `syncs` keeps real accounts syncing (None for the demo and most tests);
    `settings` are the profile's (None: defaults, nothing remembered);
    `clock` is "now" for snoozes and follow-ups (tests replace `window.clock`).
    Menus and keys are in window_menus.py (`commands` adds more), what the
    keys do in window_keys.py, triage actions in triage.py, what the reading
    pane shows in shown_item.py and the accounts' actions in window_accounts.py.
    """

    sync_action: QAction
    add_account_action: QAction
    plain_text_action: QAction
    group_action: QAction
    person_action: QAction

    def __init__(
        self,
        bridge: Bridge,
        *,
        demo: bool = False,
        syncs: SyncService | None = None,
        settings: Settings | None = None,
        clock: Clock = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.syncs = syncs
        self.settings = settings
        self.clock = clock
        self.prefs = Preferences(settings)
        self.messages = MessageListModel(bridge, self, clock=self._now)
        self.messages.grouped = self.prefs.get(GROUP_CONVERSATIONS)
        # The inbox's newest rows are read while the widgets are built: SQLite lets go of
        # the GIL, so the query runs on the other core (~50 ms sooner to the first paint).
        self.messages.show_view(View(ViewKind.INBOX))
        self._first_list_asked = True
        self.sidebar_model = SidebarModel(bridge, self, clock=self._now)
        self.reader = MessageLoader(bridge, self)
        self.person = PersonLoader(bridge, self)
        self.setWindowTitle("unibox")
        self.setWindowIcon(app_icon())
        self._build(demo)
        restore_layout(self, self.panes, self.prefs)
        self.reading = ReadingActions(
            bridge, self.message_view, self.prefs, self, secrets=self._secrets
        )
        self.answers = InvitationAnswers(
            bridge, self.message_view, self.prefs, lambda: self.syncs, self
        )
        self.chat = ChatPane(bridge, self.chat_view, self._local_now, self, self._secrets)
        self.chat_view.attachment_requested.connect(self.reading.attachment_of)
        self.triage = Triage(
            bridge, self.messages, self.message_list, self._now, lambda: self.syncs, self
        )
        self.waker = SnoozeWaker(bridge, self._now, self)
        self.flow = ListFlow(
            bridge, self.messages, self.list_pane, self.reader, self.sidebar_model, self._now, self
        )
        self.shown = ShownItem(self)
        self.accounts = AccountsSide(self)
        self.keys = WindowKeys(self)
        self.commands = install_commands(self)
        self._connect_signals()
        self.people = PeopleSide(self, self.mode_switcher)
        self.history_import = HistoryImport(self)
        self.calendar = CalendarSide(self, self.people)
        self.composer = install_compose(self)
        self.commands.add_help((*COMPOSE_SHORTCUTS, *PEOPLE_SHORTCUTS))
        self.settings_dialog: SettingsDialog | None = None

    # -- building --------------------------------------------------------------

    def _build(self, demo: bool) -> None:
        self.sidebar = SidebarView()
        self.sidebar.setModel(self.sidebar_model)
        self.list_pane = ListPane(self.messages)
        self.search = self.list_pane.search
        self.list_title = self.list_pane.title
        self.list_subtitle = self.list_pane.subtitle
        self.message_list = self.list_pane.message_list
        self.message_view = MessageView()
        self.chat_view = ChatView()
        # The reading pane: a letter, or a chat (bubbles and a reply box).
        self.reading_pane = QStackedWidget()
        self.reading_pane.addWidget(self.message_view)
        self.reading_pane.addWidget(self.chat_view)
        self.person_panel = PersonPanel()

        side_pane = SidePane(self.sidebar)
        self.mode_switcher = side_pane.switcher

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setHandleWidth(1)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(side_pane)
        splitter.addWidget(self.list_pane)
        splitter.addWidget(self.reading_pane)
        splitter.addWidget(self.person_panel)
        self.sidebar.setMinimumWidth(180)
        self.list_pane.setMinimumWidth(320)
        self.reading_pane.setMinimumWidth(360)
        self.person_panel.setMinimumWidth(200)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([226, 400, 560, 230])
        self.person_panel.setVisible(self.prefs.get(PERSON_PANEL))
        self.welcome = WelcomePage()
        self.panes = splitter
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.welcome)
        self.setCentralWidget(self.pages)

        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.totals = QLabel("")
        status.addWidget(self.totals)
        self.notice = ActionNotice()
        status.addWidget(self.notice)
        self.sync_status = SyncStatus()
        status.addWidget(self.sync_status, 1)
        if demo:
            badge = QLabel("Demo profile · nothing is kept")
            badge.setObjectName("DemoBadge")
            status.addPermanentWidget(badge)
        self.help_button = QToolButton()
        self.help_button.setObjectName("HelpButton")
        self.help_button.setText("Shortcuts  ?")
        status.addPermanentWidget(self.help_button)
        self.overlay = ShortcutsOverlay(lambda: self.commands.shortcuts(), self)
        self.snooze_picker = SnoozePicker(self)  # both float above every pane

    def _connect_signals(self) -> None:
        self.sidebar.view_selected.connect(self.flow.show_view)
        self.sidebar_model.loaded.connect(self._sidebar_loaded)
        self.sidebar_model.counts_changed.connect(self._show_totals)
        self.search.search_changed.connect(self.flow.search)
        self.search.escape_pressed.connect(self.keys.back_to_list)
        self.search.down_pressed.connect(self.keys.enter_results)
        self.reader.loaded.connect(self.shown.show_message)
        self.reader.cleared.connect(self.shown.nothing_shown)
        self.bridge.changes.connect(self.messages.apply_changes)
        self.bridge.changes.connect(self.sidebar_model.apply_changes)
        self.bridge.changes.connect(self.reader.apply_changes)
        self.bridge.error.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.bridge.sync_progress.connect(self.sync_status.on_progress)
        self.bridge.sync_failed.connect(self.sync_status.on_failure)
        self.sync_status.retry_requested.connect(self.accounts.retry_sync)
        self.sync_status.reauth_requested.connect(self.accounts.sign_in_again)
        self.help_button.clicked.connect(self.overlay.toggle)
        self.welcome.add_account.connect(self.accounts.add_account)
        self.person.loaded.connect(self.person_panel.show_card)
        self.bridge.changes.connect(self.chat.apply_changes)
        self.chat.opened.connect(self.shown.chat_opened)
        self.bridge.changes.connect(self.person.apply_changes)
        self.person_panel.conversation_chosen.connect(self.open_message)
        self.person_panel.show_all.connect(self._mail_with)
        self.triage.said.connect(self.notice.say)
        self.notice.undo_requested.connect(self.triage.undo)
        self.snooze_picker.chosen.connect(self.keys.snooze_chosen)
        self.snooze_picker.cancelled.connect(
            lambda: self.message_list.setFocus(Qt.FocusReason.PopupFocusReason)
        )
        self.bridge.changes.connect(self.waker.apply_changes)
        self.waker.woke.connect(self.messages.refresh)
        self.waker.woke.connect(self.sidebar_model.reload)

    def _now(self) -> datetime:
        return self.clock()

    def start(self) -> None:
        """First load: the sidebar and the unified inbox (asked for already the first time)."""
        self.messages.grouped = self.prefs.get(GROUP_CONVERSATIONS)
        self.group_action.setChecked(self.messages.grouped)
        self.sidebar_model.reload()
        if not self._first_list_asked:  # started again (a test's clock): read it again
            self.messages.show_view(View(ViewKind.INBOX))
        self._first_list_asked = False
        self.waker.arm()

    def attach_syncs(self, syncs: SyncService) -> None:
        """Real accounts sync from now on: enable the actions that need it."""
        self.syncs = syncs
        self.sync_action.setEnabled(True)
        self.add_account_action.setEnabled(True)
        if self.sidebar_model.loaded_once:
            self._sidebar_loaded()
        self.accounts.syncs_attached()

    def open_settings(self, page: str = "") -> SettingsDialog:
        from unibox.ui.settings.live import open_settings

        return open_settings(self, page)

    # -- reactions -------------------------------------------------------------

    def _sidebar_loaded(self) -> None:
        self.sidebar.expandAll()
        self.sidebar.select_view(self.messages.view)
        first_run = self.syncs is not None and not self.sidebar_model.has_accounts
        if self.pages.currentWidget() in (self.welcome, self.panes):  # not over People
            self.pages.setCurrentWidget(self.welcome if first_run else self.panes)
        self.totals.setVisible(not first_run)
        if first_run:
            self.welcome.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_totals(self, counts: Counts) -> None:
        self.totals.setText(f"{counts.total:,} messages · {counts.unread:,} unread")

    def _secrets(self) -> SecretStore:
        """The keyring the syncs read, or one of its own before they are attached."""
        if self.syncs is not None:
            return self.syncs.runner.secrets
        from unibox.secrets import SecretStore

        return SecretStore()

    def _local_now(self) -> datetime:
        return self.clock().astimezone()

    def toggle_grouping(self) -> None:
        grouped = self.group_action.isChecked()
        self.prefs.set(GROUP_CONVERSATIONS, grouped)
        self.flow.select_first = True
        self.messages.set_grouped(grouped)

    def open_message(self, message_id: int) -> None:
        """Read this message: selected in the list when it is there, else in the pane only."""
        row = self.messages.row_of(message_id)
        if row is not None:
            self.message_list.select_row(row)
        else:
            self.reader.load(message_id)

    def _mail_with(self, email: str) -> None:
        self.search.setText(email)
        self.search.flush()

    def quit(self) -> None:
        """File › Quit, the tray's Quit, SIGTERM: end unibox, even where closing keeps it in
        the tray (ui/tray_close.py)."""
        from unibox.ui.tray_close import quit_unibox

        quit_unibox(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_layout(self, self.panes, self.prefs)
        self.bridge.close()
        self.reading.cleanup()
        super().closeEvent(event)
