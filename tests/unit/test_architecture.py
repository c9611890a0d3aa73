"""The layering rules of ARCHITECTURE.md, kept by a test."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "unibox"
QT_ALLOWED = ("ui/", "app.py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[tuple[str, set[str]]]:
    return [(p.relative_to(SRC).as_posix(), _imports(p)) for p in sorted(SRC.rglob("*.py"))]


def test_only_the_window_imports_qt() -> None:
    offenders = [
        rel
        for rel, names in _modules()
        if not rel.startswith(QT_ALLOWED) and any(n.split(".")[0] == "PySide6" for n in names)
    ]
    assert offenders == []


def test_core_imports_no_other_unibox_layer() -> None:
    offenders = [
        (rel, n)
        for rel, names in _modules()
        if rel.startswith("core/")
        for n in names
        if n.startswith("unibox.") and not n.startswith("unibox.core")
    ]
    assert offenders == []


def test_channels_never_import_the_store() -> None:
    offenders = [
        (rel, n)
        for rel, names in _modules()
        if rel.startswith("channels/")
        for n in names
        if n.startswith(("unibox.store", "unibox.sync", "unibox.ui"))
    ]
    assert offenders == []


def test_store_imports_only_core() -> None:
    offenders = [
        (rel, n)
        for rel, names in _modules()
        if rel.startswith("store/")
        for n in names
        if n.startswith("unibox.") and not n.startswith(("unibox.core", "unibox.store"))
    ]
    assert offenders == []


def test_the_sync_engine_and_store_do_not_import_qt_even_indirectly() -> None:
    import subprocess
    import sys

    code = (
        "import sys, unibox.cli, unibox.sync.runner, unibox.store.queries;"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
