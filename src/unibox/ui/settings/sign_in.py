"""The Sign-in page: the OAuth client ids unibox signs in to Google and Microsoft with."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from unibox.config import OAUTH_GOOGLE_CLIENT_ID, OAUTH_MICROSOFT_CLIENT_ID, Setting
from unibox.ui.preferences import Preferences
from unibox.ui.settings.page import SettingsPage


class SignInPage(SettingsPage):
    """One field per provider; a value is kept when the field loses focus or Enter is pressed."""

    title = "Sign-in"

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.google = self._field(
            OAUTH_GOOGLE_CLIENT_ID, "1234567890-abc….apps.googleusercontent.com"
        )
        self.microsoft = self._field(
            OAUTH_MICROSOFT_CLIENT_ID, "00000000-0000-0000-0000-000000000000"
        )
        self.form.addRow("&Google client id", self.google)
        self.form.addRow("&Microsoft client id", self.microsoft)
        self.form.addRow(
            "",
            self.hint(
                "Gmail and Microsoft 365 let unibox read mail only after you sign in on their "
                "own page in your browser. They ask which app is signing in: enter the client "
                "id of the app registered with them. It is not a secret; your sign-in is kept "
                "in the system keyring."
            ),
        )
        self.finish()

    def _field(self, setting: Setting[str], placeholder: str) -> QLineEdit:
        field = QLineEdit(self.prefs.get(setting), self)
        field.setPlaceholderText(placeholder)
        field.setClearButtonEnabled(True)

        def keep() -> None:
            value = field.text().strip()
            if value != self.prefs.get(setting):
                self.save(setting, value)

        field.editingFinished.connect(keep)
        return field

    def refresh(self) -> None:
        """The account dialog may have kept a client id typed there."""
        for field, setting in (
            (self.google, OAUTH_GOOGLE_CLIENT_ID),
            (self.microsoft, OAUTH_MICROSOFT_CLIENT_ID),
        ):
            if not field.hasFocus():
                field.setText(self.prefs.get(setting))
