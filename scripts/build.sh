#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller (build.spec) and check that it starts.
# Usage: scripts/build.sh        -> dist/unibox/unibox  (try: dist/unibox/unibox --demo)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.3"
.venv/bin/pyinstaller -y --log-level WARN build.spec
# The bundle must find its migrations and resources: make a profile and list its (empty) folders.
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
XDG_DATA_HOME="$check/data" XDG_CONFIG_HOME="$check/config" dist/unibox/unibox folders >/dev/null
test -f dist/unibox/_internal/resources/demo/inbox.mbox
echo "Built dist/unibox/unibox ($(du -sh dist/unibox | cut -f1))."
