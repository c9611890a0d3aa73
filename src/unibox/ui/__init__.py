"""Everything Qt: the main window, its models and widgets, and the bridge to the engine."""

from __future__ import annotations

import sys


def _keep_singletons_alive() -> None:
    """Work around PySide6 6.12 (abi3 wheels) on CPython before 3.12.

    Its bindings hand back None from every void method (setText, setPen,
    save…), and True/False through bool signals, without taking a new
    reference, as if these objects were immortal, which they are only from
    Python 3.12 on. On 3.11 each call costs one reference, and after some
    thousands of calls (seconds of scrolling a long list) Python aborts with
    "none_dealloc: deallocating None". These objects are never freed anyway,
    so giving them a reference count no session can use up is harmless.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import PySide6

    # pyproject pins PySide6 below 6.12 on these Pythons; this guards an install that did not.
    if tuple(int(p) for p in PySide6.__version__.split(".")[:2]) < (6, 12):
        return
    import ctypes

    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt, the first field
        if count.value < 1 << 40:
            count.value += 1 << 40


_keep_singletons_alive()
