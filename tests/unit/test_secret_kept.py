"""A password goes into the keyring with what refers to it, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from unibox.core.errors import UserError
from unibox.secrets import TEST_KEYRING_ENV, SecretStore, SecretStoreError


def test_a_failed_store_write_leaves_no_password_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TEST_KEYRING_ENV, str(tmp_path / "keyring.cfg"))
    secrets = SecretStore()
    with secrets.kept_for("mail:Work", "first"):
        pass
    assert secrets.get("mail:Work") == "first"

    with pytest.raises(UserError, match="already exists"), secrets.kept_for("mail:Home", "x"):
        assert secrets.get("mail:Home") == "x"  # there while the account is written
        raise UserError("An account named “Home” already exists.")
    with pytest.raises(SecretStoreError, match="No password is stored"):
        secrets.get("mail:Home")
    assert secrets.get("mail:Work") == "first"
