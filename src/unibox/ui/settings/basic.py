"""The simple pages: General (appearance, list, panel), Sync, Sending and People."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox, QSystemTrayIcon, QWidget

from unibox.config import KEEP_IN_TRAY, PHONE_REGION, SYNC_INTERVAL, UNDO_SEND_SECONDS
from unibox.ui.preferences import GROUP_CONVERSATIONS, PERSON_PANEL, THEME, Preferences
from unibox.ui.settings.page import SettingsPage

THEMES = (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark"))


class GeneralPage(SettingsPage):
    title = "General"

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.theme = QComboBox(self)
        for text, value in THEMES:
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(prefs.get(THEME))))
        self.theme.currentIndexChanged.connect(
            lambda _i: self.save(THEME, str(self.theme.currentData()))
        )
        self.form.addRow("&Appearance", self.theme)
        self.grouped = QCheckBox("Show one row per &conversation", self)
        self.grouped.setChecked(prefs.get(GROUP_CONVERSATIONS))
        self.grouped.toggled.connect(lambda on: self.save(GROUP_CONVERSATIONS, on))
        self.form.addRow("Message list", self.grouped)
        self.person_panel = QCheckBox("Show the &person beside the message", self)
        self.person_panel.setChecked(prefs.get(PERSON_PANEL))
        self.person_panel.toggled.connect(lambda on: self.save(PERSON_PANEL, on))
        self.form.addRow("Reading", self.person_panel)
        self.keep_in_tray = QCheckBox(
            "&Keep running in the system tray when the window is closed", self
        )
        self.keep_in_tray.setChecked(prefs.get(KEEP_IN_TRAY))
        self.keep_in_tray.toggled.connect(lambda on: self.save(KEEP_IN_TRAY, on))
        self.form.addRow("Closing", self.keep_in_tray)
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray_hint = "Mail keeps syncing and new mail is announced; File › Quit (Ctrl+Q) quits."
        else:
            self.keep_in_tray.setEnabled(False)
            tray_hint = "Your desktop shows no system tray, so closing the window quits unibox."
        self.tray_hint = self.hint(tray_hint)
        self.form.addRow("", self.tray_hint)
        self.finish()

    def refresh(self) -> None:
        """The window may have changed these (View menu) while the dialog was open."""
        for box, setting in (
            (self.grouped, GROUP_CONVERSATIONS),
            (self.person_panel, PERSON_PANEL),
        ):
            box.blockSignals(True)
            box.setChecked(self.prefs.get(setting))
            box.blockSignals(False)


class SyncPage(SettingsPage):
    title = "Sync"

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.interval = QSpinBox(self)
        self.interval.setRange(1, 1440)
        self.interval.setSuffix(" min")
        self.interval.setValue(max(1, prefs.get(SYNC_INTERVAL) // 60))
        self.interval.setAccelerated(True)
        self.interval.setFixedWidth(120)
        self.interval.editingFinished.connect(self._save_interval)
        self.interval.valueChanged.connect(lambda _v: self._save_interval())
        self.form.addRow("&Check every", self.interval)
        self.form.addRow(
            "",
            self.hint(
                "Inboxes of servers with push (IMAP IDLE) get new mail at once; every other "
                "folder is checked this often. F5 syncs everything now."
            ),
        )
        self.finish()

    def _save_interval(self) -> None:
        seconds = self.interval.value() * 60
        if seconds != self.prefs.get(SYNC_INTERVAL):
            self.save(SYNC_INTERVAL, seconds)


class SendingPage(SettingsPage):
    title = "Sending"

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.undo = QSpinBox(self)
        self.undo.setRange(0, 120)
        self.undo.setSuffix(" s")
        self.undo.setSpecialValueText("Send at once (no undo)")
        self.undo.setFixedWidth(220)
        self.undo.setValue(prefs.get(UNDO_SEND_SECONDS))
        self.undo.valueChanged.connect(lambda v: self.save(UNDO_SEND_SECONDS, int(v)))
        self.form.addRow("&Undo send for", self.undo)
        self.form.addRow(
            "",
            self.hint(
                "After Send, a message waits this long in the outbox so you can still take "
                "it back. If unibox is closed before then, it leaves the next time unibox runs."
            ),
        )
        self.finish()


def region_names() -> list[tuple[str, str]]:
    """(name, ISO code) of every region phone numbers know, by name."""
    import phonenumbers

    found = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        territory = QLocale.codeToTerritory(code)
        if territory == QLocale.Country.AnyTerritory:
            continue
        found.append((QLocale.territoryToString(territory), code))
    return sorted(found, key=lambda pair: pair[0].casefold())


class PeoplePage(SettingsPage):
    title = "People"

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.region = QComboBox(self)
        local = QLocale.territoryToCode(QLocale.system().territory())
        self.region.addItem(
            f"The system's country ({local})" if local else "The system's country (none set)", ""
        )
        for name, code in region_names():
            self.region.addItem(f"{name} ({code})", code)
        self.region.setMaxVisibleItems(16)
        self.region.setCurrentIndex(max(0, self.region.findData(prefs.get(PHONE_REGION).upper())))
        self.region.currentIndexChanged.connect(
            lambda _i: self.save(PHONE_REGION, str(self.region.currentData()))
        )
        self.form.addRow("Phone &region", self.region)
        self.form.addRow(
            "",
            self.hint(
                "Numbers written without a country code (such as 030 1234567) are read as "
                "numbers of this country, so the same person is recognised everywhere."
            ),
        )
        self.finish()
