#!/usr/bin/env bash
# Install unibox and open the window on a fresh demo profile (no account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh --quiet
bash scripts/venv.sh
exec .venv/bin/unibox --demo "$@"
