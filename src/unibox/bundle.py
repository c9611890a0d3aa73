"""Where the shipped resources (icons, style sheet, demo data) are, from source or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """resources/ of the source tree, or of the PyInstaller bundle when frozen.

    PyInstaller unpacks data files under sys._MEIPASS (build.spec puts
    resources/ there); from a checkout it is the top-level resources/.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
