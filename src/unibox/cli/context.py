"""What every command shares: the profile, its store and its phone region."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from unibox.config import profile_dir, store_path
from unibox.core.errors import UserError


def profile(args: argparse.Namespace) -> Path:
    """The profile directory named by --profile (or $UNIBOX_PROFILE, or the per-user one)."""
    return profile_dir(args.profile)


def store_for(args: argparse.Namespace) -> Any:
    """The Store of the --profile in `args`."""
    from unibox.store.store import Store

    try:
        return Store(store_path(profile(args)))
    except OSError as exc:
        raise UserError(f"The profile could not be opened: {exc.strerror or exc}.") from None


def region(args: argparse.Namespace) -> str:
    """The phone region: the setting, else the country of the locale."""
    from unibox.config import phone_region

    return phone_region(profile(args))
