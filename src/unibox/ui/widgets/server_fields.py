"""One mail server on one line of a form: host, port and security."""

from __future__ import annotations

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

_SECURITY_CHOICES = (
    ("SSL/TLS", "ssl"),
    ("STARTTLS", "starttls"),
    ("None (local only)", "plain"),
)


class ServerFields(QWidget):
    """Host, port and security of one server on one line; the port follows the security."""

    def __init__(self, ports: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ports = ports
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.host = QLineEdit(self)
        self.port = QLineEdit(str(ports["ssl"]), self)
        self.port.setValidator(QIntValidator(1, 65535, self.port))
        self.port.setFixedWidth(64)
        self.port.setToolTip("Port")
        self.security = QComboBox(self)
        for text, value in _SECURITY_CHOICES:
            self.security.addItem(text, value)
        self.security.setFixedWidth(140)
        row.addWidget(self.host, 1)
        row.addWidget(self.port)
        row.addWidget(self.security)
        self.security.currentIndexChanged.connect(self._security_changed)
        self.host_edited = False
        self.host.textEdited.connect(lambda _t: setattr(self, "host_edited", True))

    def set_ports(self, ports: dict[str, int]) -> None:
        """Another protocol's default ports (IMAP or POP3); a port typed by hand stays."""
        typed = self.port_value not in self._ports.values()
        self._ports = ports
        if not typed:
            self.port.setText(str(ports[self.security_value]))

    def _security_changed(self) -> None:
        # Move the port along only while it still is a default one.
        if self.port_value in self._ports.values():
            self.port.setText(str(self._ports[self.security_value]))

    @property
    def port_value(self) -> int:
        return int(self.port.text()) if self.port.text().isdigit() else 0

    @property
    def security_value(self) -> str:
        return str(self.security.currentData())

    def set_security(self, value: str) -> None:
        self.security.setCurrentIndex(max(0, self.security.findData(value)))
