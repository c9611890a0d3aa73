#!/usr/bin/env bash
# Install the Debian packages the unibox test suite and benchmarks need.
#
# Idempotent and fast when everything is present: one dpkg-query call decides,
# and apt-get runs only for what is missing.
#
# Usage: scripts/install-system-deps.sh [--check|--dry-run] [--quiet]
#   --check, --dry-run  only report what is missing; exit 0 if nothing is,
#                       1 otherwise (installs nothing, needs no root)
#   --quiet             print nothing when everything is already present
#
# Works as root, or through sudo when not root and sudo exists.
set -euo pipefail

PACKAGES=(
    # Real servers for integration tests (dovecot-core's auth has the oauth2 passdb built in)
    dovecot-core dovecot-imapd dovecot-pop3d openssl prosody lua-dbi-sqlite3
    # CPython's email test corpus (odd real-world mail) for the sync tests
    libpython3.11-testsuite
    # Reference tools for benchmarks
    isync notmuch offlineimap3
    # Headless GUI, screenshots, secrets
    xvfb xauth imagemagick gnome-keyring dbus dbus-x11 libsecret-tools
    # Qt 6 (PySide6 wheels) xcb platform runtime on a bare Debian 12
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libnss3 libxcomposite1 libxdamage1
    libxrandr2 libxtst6 libxkbfile1 libasound2 fonts-dejavu-core
)

mode=install
quiet=0
for arg in "$@"; do
    case "$arg" in
        --check | --dry-run) mode=check ;;
        --quiet | -q) quiet=1 ;;
        -h | --help)
            sed -n '2,12p' "$0"
            exit 0
            ;;
        *)
            echo "install-system-deps: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

log() {
    echo "install-system-deps: $*" >&2
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    log "dpkg-query not found: this script supports Debian/Ubuntu only"
    exit 1
fi

# One dpkg-query for all packages; unknown packages only print to stderr.
declare -A installed=()
while read -r name status; do
    if [[ "$status" == "installed" ]]; then
        installed["${name%%:*}"]=1
    fi
done < <(dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if [[ -z "${installed[$pkg]:-}" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    if [[ $quiet -eq 0 ]]; then
        log "all ${#PACKAGES[@]} packages present, nothing to do"
    fi
    exit 0
fi

log "missing (${#missing[@]}): ${missing[*]}"
if [[ "$mode" == check ]]; then
    exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        log "not root and no sudo: install these packages by hand: ${missing[*]}"
        exit 1
    fi
fi

# Keep package maintainer scripts from starting services (the Dovecot package
# would otherwise start a system Dovecot on ports 110/143/993/995). Tests start
# their own Dovecot on free ports, so a running system one would be harmless,
# but there is no reason to have it. Only add a policy-rc.d if there is none.
policy=/usr/sbin/policy-rc.d
added_policy=0
cleanup() {
    if [[ $added_policy -eq 1 ]]; then
        "${SUDO[@]}" rm -f "$policy" || true
    fi
}
trap cleanup EXIT
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# added by unibox scripts/install-system-deps.sh\nexit 101\n' \
        | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 0755 "$policy"
    added_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt_env=(env DEBIAN_FRONTEND=noninteractive)
log "apt-get update"
"${SUDO[@]}" "${apt_env[@]}" apt-get update -qq
log "apt-get install ${missing[*]}"
"${SUDO[@]}" "${apt_env[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"

# If a system Dovecot got started anyway (a host where policy-rc.d is not
# honoured), stop that one: it is not ours and would only hold the standard
# ports. Targeted by its own pid file, never by process name.
sys_pidfile=/run/dovecot/master.pid
if [[ " ${missing[*]} " == *" dovecot-"* && -r "$sys_pidfile" ]]; then
    sys_pid=$(cat "$sys_pidfile" 2>/dev/null || true)
    if [[ "$sys_pid" =~ ^[0-9]+$ ]] && kill -0 "$sys_pid" 2>/dev/null; then
        log "stopping the system Dovecot (pid $sys_pid) started by the package install"
        "${SUDO[@]}" kill "$sys_pid" 2>/dev/null || true
    fi
fi

log "done"
