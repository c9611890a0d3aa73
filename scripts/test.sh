#!/usr/bin/env bash
# Install everything the tests need, then run ruff, mypy and the whole test suite.
# Real servers (Dovecot, aiosmtpd, Prosody, Synapse, Radicale, gnome-keyring) are started by the tests on
# loopback ports chosen at run time, and mastodon-mock (a fake of Mastodon's REST API: no real
# Mastodon runs here). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh --quiet
bash scripts/venv.sh test
export PATH="$PWD/.venv/bin:$PATH:/usr/sbin:/sbin"
echo "== ruff"
ruff check src tests benchmarks scripts
ruff format --check src tests benchmarks scripts
echo "== mypy"
mypy
echo "== import contracts"
lint-imports
echo "== pytest"
mkdir -p artifacts
# A virtual screen for the screenshot test; the other GUI tests use offscreen.
exec xvfb-run -a -s "-screen 0 1600x1000x24" pytest "$@"
