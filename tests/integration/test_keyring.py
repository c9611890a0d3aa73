"""Passwords live in a real Secret Service (gnome-keyring), and nowhere else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "UNIBOX_"))}
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env.update(
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path / "home"),
        UNIBOX_PROFILE=str(tmp_path / "profile"),
    )
    return env


def _require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing {missing}: scripts/install-system-deps.sh installs them")
        pytest.skip(f"missing {missing}")


def test_account_password_goes_to_gnome_keyring(tmp_path: Path) -> None:
    _require("dbus-run-session", "gnome-keyring-daemon")
    env = _clean_env(tmp_path)
    py = sys.executable
    script = f"""
set -e
printf unlock | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
printf '%s\\n' "$UNIBOX_TEST_PW" | {py} -m unibox.cli account add-mail --name Work \
  --email me@example.com --imap-host imap.example.com --imap-port 993 \
  --imap-security ssl --username me --password-stdin --no-check
{py} -c "from unibox.secrets import SecretStore as S; s=S(); \
print(type(s.backend).__module__); print(s.get('mail:Work') == '$UNIBOX_TEST_PW')"
{py} -m unibox.cli account remove Work
{py} -c "from unibox.secrets import SecretStore as S
try:
    S().get('mail:Work'); print('still there')
except Exception as e:
    print('gone')"
"""
    env["UNIBOX_TEST_PW"] = PASSWORD
    out = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    assert lines[0].startswith("keyring.backends.SecretService")
    assert lines[1] == "True"
    assert lines[-1] == "gone"
    for path in (tmp_path / "profile").rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()


def test_no_secure_keyring_means_no_password_is_stored(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)  # no session bus: only insecure backends are available
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "unibox.cli",
            "account",
            "add-mail",
            "--name",
            "Work",
            "--email",
            "me@example.com",
            "--imap-host",
            "imap.example.com",
            "--imap-port",
            "993",
            "--username",
            "me",
            "--password-stdin",
            "--no-check",
        ],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "No secure keyring is available" in out.stderr
    assert "Traceback" not in out.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
