#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install unibox into it; quick when up to date.
# Usage: scripts/venv.sh [EXTRAS]   e.g. scripts/venv.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

py="${PYTHON:-}"
if [[ -z "$py" ]]; then
    for cand in python3.13 python3.12 python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            py="$cand"
            break
        fi
    done
fi
if [[ -z "$py" ]]; then
    echo "unibox needs Python 3.11 or newer; none was found on PATH." >&2
    exit 1
fi
if ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "Python's venv module is missing; installing python3-venv." >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq python3-venv >/dev/null; else sudo apt-get install -y -qq python3-venv >/dev/null; fi
fi
if [[ ! -x .venv/bin/python ]]; then
    "$py" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
fi
spec="."
[[ -n "$extras" ]] && spec=".[${extras}]"
# Re-install only when pyproject.toml changed since the last install.
stamp=".venv/.unibox-installed-${extras:-base}"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]] || ! .venv/bin/python -c 'import unibox' 2>/dev/null; then
    .venv/bin/python -m pip install -q -e "$spec"
    touch "$stamp"
fi
