"""Light and dark palettes following the system, on the Fusion style, plus style.qss."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from unibox.ui.icons import resources_dir

log = logging.getLogger("unibox.ui")

FLAG_COLOUR = "#e8833a"


@dataclass(frozen=True, slots=True)
class Scheme:
    """The colours of one appearance; delegates read them back from the QPalette roles."""

    panel: str  # Window: sidebar, status bar
    base: str  # Base: message list, reading pane
    hover: str  # AlternateBase
    text: str
    muted: str  # PlaceholderText
    border: str  # Mid
    soft: str  # Midlight: selection when the list has no focus
    accent: str  # Highlight
    accent_text: str
    field: str  # Button: search field, chips
    notice: str  # Dark: background of the "remote content blocked" bar
    notice_text: str  # Shadow
    scroll: str


LIGHT = Scheme(
    panel="#f2f3f5", base="#ffffff", hover="#f5f7fa", text="#1c1e22", muted="#6b717c",
    border="#e1e4e8", soft="#e4ebf8", accent="#2f6fe4", accent_text="#ffffff",
    field="#ffffff", notice="#fff4d6", notice_text="#6b4e00", scroll="#c9cdd3",
)  # fmt: skip
DARK = Scheme(
    panel="#1a1b1e", base="#222327", hover="#2a2c31", text="#e6e8eb", muted="#9097a1",
    border="#33363c", soft="#2b3448", accent="#4c84f0", accent_text="#ffffff",
    field="#2a2c31", notice="#3a3220", notice_text="#f1d58a", scroll="#4a4e56",
)  # fmt: skip


def is_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette_for(s: Scheme) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: s.panel,
        QPalette.ColorRole.WindowText: s.text,
        QPalette.ColorRole.Base: s.base,
        QPalette.ColorRole.AlternateBase: s.hover,
        QPalette.ColorRole.Text: s.text,
        QPalette.ColorRole.PlaceholderText: s.muted,
        QPalette.ColorRole.Button: s.field,
        QPalette.ColorRole.ButtonText: s.text,
        QPalette.ColorRole.Highlight: s.accent,
        QPalette.ColorRole.HighlightedText: s.accent_text,
        QPalette.ColorRole.Link: s.accent,
        QPalette.ColorRole.LinkVisited: s.accent,
        QPalette.ColorRole.Mid: s.border,
        QPalette.ColorRole.Midlight: s.soft,
        QPalette.ColorRole.Dark: s.notice,
        QPalette.ColorRole.Shadow: s.notice_text,
        QPalette.ColorRole.ToolTipBase: s.text,
        QPalette.ColorRole.ToolTipText: s.base,
        QPalette.ColorRole.BrightText: s.accent_text,
        QPalette.ColorRole.Light: s.base,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    muted = QColor(s.muted)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, muted)
    # Keep the selection colour when the window loses focus: delegates decide.
    p.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(s.accent))
    return p


def style_sheet(s: Scheme) -> str:
    """resources/style.qss with its @name tokens replaced by the scheme's colours."""
    path = resources_dir() / "style.qss"
    try:
        text = path.read_text("utf-8")
    except OSError:
        log.warning("no style sheet at %s", path)
        return ""
    # Longest names first so @notice_text is not eaten by @notice.
    for name, colour in sorted(asdict(s).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f"@{name}", colour)
    return text.replace("@icons", (resources_dir() / "icons").as_posix())


_CHOICE = "unibox_theme"  # application property: "system", "light" or "dark"


def apply_theme(app: QApplication, dark: bool | None = None) -> Scheme:
    """Fusion with our palette: dark or light as told, else as chosen (see set_theme_choice)."""
    app.setStyle("Fusion")
    if dark is None:
        choice = theme_choice(app)
        dark = is_dark(app) if choice == "system" else choice == "dark"
    scheme = DARK if dark else LIGHT
    app.setPalette(palette_for(scheme))
    app.setStyleSheet(style_sheet(scheme))
    return scheme


def theme_choice(app: QApplication) -> str:
    choice = app.property(_CHOICE)
    return choice if choice in ("light", "dark") else "system"


def set_theme_choice(app: QApplication, choice: str) -> Scheme:
    """Follow the system ("system"), or stay "light" or "dark"; applied at once."""
    app.setProperty(_CHOICE, choice if choice in ("light", "dark") else "system")
    return apply_theme(app)


def follow_system(app: QApplication) -> None:
    """Re-apply the theme whenever the desktop switches between light and dark."""
    app.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app) if theme_choice(app) == "system" else None
    )
