"""A no-change `unibox sync` loads only what it uses: a user waits for every import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from unibox.store.store import Store


def test_the_sync_command_maps_no_person_record_tables(tmp_path: Path) -> None:
    Store(tmp_path / "db.sqlite3").engine.dispose()  # made and migrated: up to date
    code = (
        "import sys\n"
        "import unibox.cli\n"
        "from unibox.cli.progress import ProgressLine\n"
        "from unibox.secrets import SecretStore\n"
        "from unibox.store import accounts\n"
        "from pathlib import Path\n"
        "from unibox.store.store import Store\n"
        "from unibox.sync.runner import SyncRunner\n"
        f"store = Store(Path({str(tmp_path / 'db.sqlite3')!r}))\n"
        "with store.read() as s:\n"
        "    accounts.list_accounts(s)\n"
        "print(sorted(m for m in ('unibox.store.schema_people', 'unibox.store.merges',\n"
        "    'unibox.core.signature', 'phonenumbers', 'alembic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
