"""The Sign-in page: the OAuth client ids unibox signs in to Google and Microsoft with, and
the client secret that may come with one (kept in the keyring, never shown again)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from unibox.config import OAUTH_GOOGLE_CLIENT_ID, OAUTH_MICROSOFT_CLIENT_ID, Setting
from unibox.secrets import SecretStore
from unibox.services.oauth_clients import keep_client_secret, stored_client_secret
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import Preferences
from unibox.ui.settings.page import SettingsPage


class SignInPage(SettingsPage):
    """One field per provider; a value is kept when the field loses focus or Enter is pressed."""

    title = "Sign-in"

    def __init__(
        self,
        prefs: Preferences,
        bridge: Bridge | None = None,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(prefs, parent)
        self.bridge = bridge
        self.secrets = secrets
        self.google = self._field(
            OAUTH_GOOGLE_CLIENT_ID, "1234567890-abc….apps.googleusercontent.com"
        )
        self.microsoft = self._field(
            OAUTH_MICROSOFT_CLIENT_ID, "00000000-0000-0000-0000-000000000000"
        )
        self.google_secret = self._secret("google", "Google")
        self.microsoft_secret = self._secret("microsoft", "Microsoft")
        self.form.addRow("&Google client id", self.google)
        self.form.addRow("Google client s&ecret", self.google_secret)
        self.form.addRow("&Microsoft client id", self.microsoft)
        self.form.addRow("Microsoft client se&cret", self.microsoft_secret)
        self.form.addRow(
            "",
            self.hint(
                "Gmail and Microsoft 365 let unibox read mail only after you sign in on their "
                "own page in your browser. They ask which app is signing in: enter the client "
                "id of the app registered with them (and its client secret, if it came with "
                "one). Your sign-in and that secret are kept in the system keyring."
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

    def _secret(self, provider: str, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setPlaceholderText(f"only if {name} gave one with the id")
        bridge, secrets = self.bridge, self.secrets
        if bridge is None or secrets is None:
            field.setEnabled(False)
            return field

        def shown(kept: bool) -> None:
            if kept:
                field.setPlaceholderText("kept in the keyring (type to replace it)")

        def keep() -> None:
            value = field.text().strip()
            if not value:
                return
            field.clear()  # the field does not keep it; the keyring does

            def kept(_r: object) -> None:
                shown(True)
                self.say("")

            bridge.run(
                lambda: keep_client_secret(secrets, provider, value),
                kept,
                lambda exc: self.say(f"The client secret was not kept: {exc}"),
            )

        bridge.run(lambda: bool(stored_client_secret(secrets, provider)), shown, lambda _e: None)
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
