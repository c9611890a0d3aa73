"""The Settings dialog: one page per subject, each change kept and applied at once."""

from unibox.ui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
