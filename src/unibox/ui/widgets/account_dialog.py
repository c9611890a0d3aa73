"""The add-account dialog: fill in, test the servers in the background, store, start syncing.

ui/widgets/account_edit.py reuses it to edit an account.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo, MailSettings
from unibox.ui.account_setup import (
    IMAP_PORTS,
    POP3_PORTS,
    SMTP_PORTS,
    MailAccountForm,
    check_servers,
    guess_servers,
    save_account,
    settings_for,
)
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import Preferences
from unibox.ui.widgets.account_oauth import PASSWORD, AccountOAuth
from unibox.ui.widgets.server_fields import ServerFields
from unibox.ui.widgets.sign_in_panel import ISSUER


class AddAccountDialog(QDialog):
    """Asks for an IMAP/SMTP account, checks that the server lets us in, then stores it.

    The connection test and the keyring and store writes run on the bridge's
    task threads; the form stays responsive and says in words what failed.
    A Google or Microsoft address signs in through the browser instead
    (ui/widgets/account_oauth.py), as may any OpenID issuer.
    A subclass edits an account by overriding `_check_work`, `_save_work` and `_stored`.

    Signals:
        account_added(AccountInfo): stored; the caller starts syncing it.
    """

    account_added = Signal(object)

    def __init__(
        self,
        bridge: Bridge,
        secrets: SecretStore,
        parent: QWidget | None = None,
        prefs: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AccountDialog")
        self.setWindowTitle("Add a mail account")
        self.setMinimumWidth(600)
        self._bridge = bridge
        self._secrets = secrets
        self._busy = False
        self._attempt = 0  # answers of an attempt the person cancelled are dropped
        self._edited: set[str] = set()
        self._guessing = True  # fill in servers from the address while nobody typed there
        self._servers_shown = True  # not while a provider's preset fills them in
        self._fitting = True
        self.oauth = AccountOAuth(self, secrets, prefs)
        self._build()

    @property
    def bridge(self) -> Bridge:
        return self._bridge

    # -- building --------------------------------------------------------------

    def _build(self) -> None:
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 20, 24, 18)
        col.setSpacing(14)
        title = self.title = QLabel("Add a mail account", self)
        title.setObjectName("DialogTitle")
        intro = self.intro = QLabel(
            "unibox keeps a copy of your mail on this computer. The password goes in "
            "your system keyring, never in unibox's files.",
            self,
        )
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        col.addWidget(title)
        col.addWidget(intro)

        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(9)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.display_name = QLineEdit(self)
        self.display_name.setPlaceholderText("Mira Castell")
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("you@example.org")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.imap = ServerFields(IMAP_PORTS, self)
        self.imap.host.setPlaceholderText("imap.example.org")
        self.smtp = ServerFields(SMTP_PORTS, self)
        self.smtp.host.setPlaceholderText("smtp.example.org (optional)")
        self.username = QLineEdit(self)
        self.account_name = QLineEdit(self)
        self.account_name.setPlaceholderText("Work")
        form.addRow("Your name", self.display_name)
        form.addRow("E-mail address", self.email)
        form.addRow("Password", self.password)
        self.oauth.panel.place(form)
        self.incoming_kind = QComboBox(self)
        self.incoming_kind.addItem("IMAP: mail stays on the server, in its folders", "imap")
        self.incoming_kind.addItem("POP3: mail is downloaded to this computer", "pop3")
        self.delete_after = QSpinBox(self)
        self.delete_after.setRange(0, 3650)
        self.delete_after.setSuffix(" days after download")
        self.delete_after.setSpecialValueText("Never: keep mail on the server")
        self._servers_title = self._section("Servers")
        form.addRow(self._servers_title)
        form.addRow("Incoming server", self.incoming_kind)
        form.addRow("Incoming (IMAP)", self.imap)
        form.addRow("Delete from server", self.delete_after)
        form.addRow("Outgoing (SMTP)", self.smtp)
        form.addRow("User name", self.username)
        form.addRow("Account name", self.account_name)
        self.more = QToolButton(self)
        self.more.setObjectName("Disclosure")
        self.more.setCheckable(True)
        self.more.toggled.connect(self._show_advanced)
        form.addRow("", self.more)
        ca_row = QWidget(self)
        ca_line = QHBoxLayout(ca_row)
        ca_line.setContentsMargins(0, 0, 0, 0)
        self.ca_file = QLineEdit(ca_row)
        self.ca_file.setPlaceholderText("the CA certificate (PEM) that signed the server's")
        browse = QPushButton("Choose…", ca_row)
        browse.clicked.connect(self._choose_ca)
        ca_line.addWidget(self.ca_file, 1)
        ca_line.addWidget(browse)
        self.fingerprint = QLineEdit(self)
        self.fingerprint.setPlaceholderText("or the SHA-256 fingerprint of its certificate")
        form.addRow("CA file", ca_row)
        form.addRow("Fingerprint", self.fingerprint)
        self._form = form
        self._advanced_rows = (ca_row, self.fingerprint)
        col.addLayout(form)
        self._show_advanced(False)
        self.incoming_kind.currentIndexChanged.connect(self._incoming_changed)
        self._incoming_changed()

        self.message = QLabel(self)
        self.message.setObjectName("FormMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        col.addWidget(self.message)
        col.addStretch(1)

        buttons = QHBoxLayout()
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.add_button = QPushButton("Add account", self)
        self.add_button.setObjectName("PrimaryButton")
        self.add_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.add_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.add_button)
        col.addLayout(buttons)

        self.email.textChanged.connect(self._email_changed)
        for name in ("username", "account_name"):
            field: QLineEdit = getattr(self, name)
            field.textEdited.connect(lambda _t, n=name: self._edited.add(n))

    def _section(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("SectionTitle")
        return label

    def _show_advanced(self, shown: bool) -> None:
        for row in self._advanced_rows:
            self._form.setRowVisible(row, shown and self._servers_shown)
        arrow = "▾" if shown else "▸"
        self.more.setText(f"{arrow} Your own server: trust its certificate")
        self.fit()

    def fit(self) -> None:
        """Take the size the rows shown need. Qt sizes a form with wrapping labels by a
        height-for-width guess that can fall short (rows drawn squashed): never below the
        layout's own size hint."""
        if not self._fitting:
            return
        self.adjustSize()
        need = self.sizeHint().height()
        if self.height() < need:
            self.resize(self.width(), need)

    @property
    def incoming(self) -> str:
        return str(self.incoming_kind.currentData())

    def _incoming_changed(self) -> None:
        """IMAP or POP3: the incoming server's label, default ports and guessed host follow."""
        pop3 = self.incoming == "pop3"
        self.imap.set_ports(POP3_PORTS if pop3 else IMAP_PORTS)
        label = self._form.labelForField(self.imap)
        if isinstance(label, QLabel):
            label.setText("Incoming (POP3)" if pop3 else "Incoming (IMAP)")
        self.imap.host.setPlaceholderText("pop.example.org" if pop3 else "imap.example.org")
        host = self.imap.host.text()
        if not self.imap.host_edited and self._guessing:
            old, new = ("imap.", "pop.") if pop3 else ("pop.", "imap.")
            if host.startswith(old):
                self.imap.host.setText(new + host[len(old) :])
        self._form.setRowVisible(self.delete_after, pop3 and self._servers_shown)
        self.fit()

    def show_sign_in(self, choice: str) -> None:
        """A password, or the browser (a provider's preset servers, or an issuer's and ours)."""
        password = choice == PASSWORD
        self._servers_shown = choice in (PASSWORD, ISSUER)
        if not password and self.incoming != "imap":  # OAuth2 accounts read mail by IMAP
            self.incoming_kind.setCurrentIndex(self.incoming_kind.findData("imap"))
        self._form.setRowVisible(self.password, password)
        rows: tuple[QWidget, ...] = (self._servers_title, self.incoming_kind, self.imap)
        for row in (*rows, self.smtp, self.username, self.more):
            self._form.setRowVisible(row, self._servers_shown)
        self.incoming_kind.setEnabled(password and self._guessing)
        self._fitting = False  # once, below, not for each row
        try:
            self._show_advanced(self.more.isChecked())
            self._incoming_changed()
        finally:
            self._fitting = True
        self.test_button.setVisible(password)
        self.add_button.setVisible(password)
        kept = "The password goes" if password else "Your sign-in is kept"
        self.intro.setText(
            f"unibox keeps a copy of your mail on this computer. {kept} in your system "
            "keyring, never in unibox's files."
        )
        self.oauth.panel.button.setDefault(not password)
        self.add_button.setDefault(password)
        self.fit()

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "CA certificate", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.ca_file.setText(path)

    def _email_changed(self, text: str) -> None:
        """Fill in what can be guessed from the address, until the person types there."""
        if not self._guessing:
            return
        address = text.strip()
        self.oauth.address_changed(address)
        # A provider's own servers, once suggested, stay until the address is another's.
        if self.oauth.suggested is None:
            self.guess_hosts()
        if "username" not in self._edited:
            self.username.setText(address)
        if "account_name" not in self._edited:
            domain = address.rpartition("@")[2].split(".")[0]
            self.account_name.setText(domain[:1].upper() + domain[1:] if domain else "")

    def guess_hosts(self) -> None:
        """imap.DOMAIN and smtp.DOMAIN in the fields nobody typed in."""
        imap, smtp = guess_servers(self.email.text().strip())
        if self.incoming == "pop3" and imap.startswith("imap."):
            imap = "pop." + imap[len("imap.") :]
        if not self.imap.host_edited:
            self.imap.host.setText(imap)
        if not self.smtp.host_edited:
            self.smtp.host.setText(smtp)

    # -- the form --------------------------------------------------------------

    def form(self) -> MailAccountForm:
        return MailAccountForm(
            name=self.account_name.text().strip(),
            display_name=self.display_name.text().strip(),
            email=self.email.text().strip(),
            username=self.username.text().strip(),
            imap_host=self.imap.host.text().strip(),
            imap_port=self.imap.port_value,
            imap_security=self.imap.security_value,
            smtp_host=self.smtp.host.text().strip(),
            smtp_port=self.smtp.port_value,
            smtp_security=self.smtp.security_value,
            ca_file=self.ca_file.text().strip(),
            fingerprint=self.fingerprint.text().strip(),
            incoming=self.incoming,
            delete_after_days=self.delete_after.value() if self.incoming == "pop3" else 0,
        )

    def fill(self, form: MailAccountForm) -> None:
        """Show a stored account's values (nothing is guessed from them)."""
        self._guessing = False
        self.oauth.disable()
        # An account stays IMAP or POP3: its mail and folders are of that kind.
        self.incoming_kind.setCurrentIndex(max(0, self.incoming_kind.findData(form.incoming)))
        self.incoming_kind.setEnabled(False)
        self.delete_after.setValue(form.delete_after_days)
        self.account_name.setText(form.name)
        self.display_name.setText(form.display_name)
        self.email.setText(form.email)
        self.username.setText(form.username)
        for server, host, port, security in (
            (self.imap, form.imap_host, form.imap_port, form.imap_security),
            (self.smtp, form.smtp_host, form.smtp_port, form.smtp_security),
        ):
            server.host.setText(host)
            server.set_security(security)
            server.port.setText(str(port))
        self.ca_file.setText(form.ca_file)
        self.fingerprint.setText(form.fingerprint)
        self.more.setChecked(bool(form.ca_file or form.fingerprint))

    def say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("problem", problem)
        # Re-polishing alone keeps the old padding of a shown label; a style sheet change
        # makes Qt compute its margins again (the problem box is padded).
        self.message.setStyleSheet("/* restyle */")
        self.message.setStyleSheet("")
        self.message.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.add_button.setEnabled(not busy)
        self.test_button.setEnabled(not busy)
        for w in (self.email, self.password, self.imap, self.smtp, self.username):
            w.setEnabled(not busy)
        for w in (self.ca_file, self.fingerprint, self.display_name):
            w.setEnabled(not busy)
        self.delete_after.setEnabled(not busy)
        self.incoming_kind.setEnabled(not busy and self._guessing and not self.oauth.active)
        self.account_name.setEnabled(not busy and self._guessing)

    # -- testing and storing ---------------------------------------------------

    def _checked(self) -> tuple[MailAccountForm, MailSettings, str] | None:
        """The form, its settings and the typed password; None once a problem was said."""
        form = self.form()
        password = self.password.text()
        try:
            settings = settings_for(form)
            self._check_password(password)
        except UserError as exc:
            self.say(str(exc), problem=True)
            return None
        return form, settings, password

    def _check_password(self, password: str) -> None:
        if not password:
            raise UserError("Enter the password of the account.")

    def _check_work(self, settings: MailSettings, password: str) -> Callable[[], str]:
        """What tests the servers on a task thread; it answers a sentence of what worked."""
        return lambda: check_servers(settings, password)

    def _save_work(
        self, form: MailAccountForm, settings: MailSettings, password: str
    ) -> Callable[[], AccountInfo]:
        """What stores the account on a task thread, once the servers let us in."""
        store, secrets = self._bridge.store, self._secrets
        return lambda: save_account(store, secrets, form, settings, password)

    def _start(self) -> int:
        self._set_busy(True)
        self._attempt += 1
        return self._attempt

    def test(self) -> None:
        """Sign in to the servers as the form says, storing nothing."""
        checked = None if self._busy else self._checked()
        if checked is None:
            return
        _form, settings, password = checked
        attempt = self._start()
        self.say(f"Connecting to {settings.incoming.host}…")
        self._bridge.run(
            self._check_work(settings, password),
            lambda said: self._tested(attempt, said),
            lambda exc: self._failed(attempt, exc),
        )

    def _tested(self, attempt: int, said: str) -> None:
        if attempt == self._attempt:
            self._set_busy(False)
            self.say(f"{said} Nothing was saved yet.")

    def submit(self) -> None:
        """Check the form here, then test the servers and store the account off this thread."""
        if self.oauth.active:
            self.oauth.sign_in()
            return
        checked = None if self._busy else self._checked()
        if checked is None:
            return
        form, settings, password = checked
        attempt = self._start()
        self.say(f"Connecting to {settings.incoming.host}…")
        self._bridge.run(
            self._check_work(settings, password),
            lambda said: self._connected(attempt, form, settings, password, said),
            lambda exc: self._failed(attempt, exc),
        )

    def _connected(
        self,
        attempt: int,
        form: MailAccountForm,
        settings: MailSettings,
        password: str,
        said: str,
    ) -> None:
        if attempt != self._attempt:
            return
        self.say(f"{said} Saving the account…")
        self._bridge.run(
            self._save_work(form, settings, password),
            self._saved,
            lambda exc: self._not_saved(attempt, exc),
        )

    def set_signing_in(self, busy: bool) -> None:
        """While the browser is out: the form waits; Cancel stays."""
        self._set_busy(busy)
        self.account_name.setEnabled(not busy)
        self.display_name.setEnabled(not busy)

    def saved(self, account: AccountInfo) -> None:
        """Stored (by a sign-in): announced, and the dialog closes."""
        self._saved(account)

    def _saved(self, account: AccountInfo) -> None:
        # Stored, even if the person cancelled meanwhile: it syncs like any other.
        self._set_busy(False)
        self._stored(account)
        if self.isVisible():
            self.accept()

    def _stored(self, account: AccountInfo) -> None:
        self.account_added.emit(account)

    def _not_saved(self, attempt: int, exc: Exception) -> None:
        self._failed(attempt, exc)

    def _failed(self, attempt: int, exc: Exception) -> None:
        if attempt != self._attempt:
            return
        self._set_busy(False)
        if isinstance(exc, UserError):
            self.say(str(exc), problem=True)
        else:
            self.say(f"That did not work ({type(exc).__name__}).", problem=True)

    def reject(self) -> None:
        self._attempt += 1  # whatever is in flight no longer concerns this dialog
        self.oauth.cancel()
        self._set_busy(False)
        self.say("")
        super().reject()
