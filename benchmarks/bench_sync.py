"""Mail sync: unibox against mbsync + notmuch and offlineimap, on the same mailbox.

One run starts a real Dovecot (tests/helpers/dovecot.py), fills one user's
INBOX with a generated, realistic mailbox (tests/helpers/mailgen.py), warms
Dovecot with one full FETCH, and then times, all against that same user:

unibox (its real CLI, as subprocesses, on a fresh profile)
  * initial ``unibox sync`` until it exits 0 (then checks that every message
    has its body and that a body word of the last-synced message is found);
  * while it runs: when the first / newest 100 messages become visible in the
    profile's SQLite file (polled read-only every 20 ms), when the bodies
    follow, and the peak RSS of the sync process and of it plus its children
    (its parsing pool), polled every 50 ms with psutil;
  * a no-change re-sync (median of 5; ``-v`` shows whether the quick check of
    sync/nochange.py answered), and an incremental sync after 100 more
    messages arrive. unibox runs from bytecode, as an installed copy does.

reference tools (Debian's isync, notmuch, offlineimap3)
  * ``mbsync`` full copy into a Maildir, then ``notmuch new`` on it (the pair
    is what unibox's "sync + index" is compared with); mbsync's no-change
    re-sync (median of 5);
  * ``offlineimap`` initial sync and no-change re-sync (median of 3);
  * both again after the 100 new messages.

Prints a table and writes artifacts/bench_sync.json. No thresholds: the
targets are printed beside the numbers, nothing passes or fails.

    .venv/bin/python benchmarks/bench_sync.py [--messages N] [--tls] [--skip-reference]

Needs root (the Dovecot helper switches to ``nobody``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.dovecot import Dovecot  # noqa: E402
from tests.helpers.mailgen import WORDS, generate_mailbox  # noqa: E402

USER = "bench"
EMAIL = "me@example.com"  # the generator's "me"
INCREMENT = 100
VISIBLE_TARGET = 100  # "the newest 100 messages are visible"
DB_POLL = 0.02
MEM_POLL = 0.05
PSS_EVERY = 10  # PSS (reads smaps, slower) on every 10th memory sample
MB = 1024 * 1024

# Targets from the issue, printed beside the numbers (nothing is checked).
TARGET_INITIAL_RATIO = 5.0
TARGET_VISIBLE_S = 3.0
TARGET_PEAK_MB = 250.0


class BenchError(Exception):
    """A step failed; the message says which command and why."""


# ---------------------------------------------------------------------- processes


@dataclass
class Run:
    """One finished subprocess."""

    cmd: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str

    def check(self, what: str) -> Run:
        if self.returncode != 0:
            raise BenchError(
                f"{what}: exit {self.returncode}: {' '.join(self.cmd)}\n"
                f"stderr: {self.stderr.strip()[-2000:]}\nstdout: {self.stdout.strip()[-500:]}"
            )
        return self


def run(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 3600.0,
) -> Run:
    """Run ``cmd`` to the end; wall time from just before the fork to its exit."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        list(cmd),
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(list(cmd), time.perf_counter() - t0, proc.returncode, proc.stdout, proc.stderr)


def repeat(times: int, make: Callable[[], Run], what: str) -> tuple[list[float], list[Run]]:
    runs = [make().check(what) for _ in range(times)]
    return [r.seconds for r in runs], runs


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": list(values),
    }


@dataclass
class Monitored:
    """A run watched while it ran: when rows appeared in the store, peak memory."""

    run: Run
    thresholds: dict[str, float | None]
    peak_rss_total: int
    peak_rss_main: int
    peak_pss_total: int
    peak_processes: int
    timeline: list[tuple[float, int, int]]


class _Watcher:
    """Polls the profile's SQLite file and the memory of a process tree."""

    def __init__(self, pid: int, db_path: Path, n: int, t0: float) -> None:
        self.pid = pid
        self.db_path = db_path
        self.n = n
        self.t0 = t0
        self.stop = threading.Event()
        self.thresholds: dict[str, float | None] = {
            "first_visible": None,
            "newest_100_visible": None,
            "newest_100_with_body": None,
            "all_visible": None,
            "all_with_body": None,
        }
        self.timeline: list[tuple[float, int, int]] = []
        self.peak_total = 0
        self.peak_main = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.db_errors: list[str] = []
        self._threads = [
            threading.Thread(target=self._poll_db, daemon=True),
            threading.Thread(target=self._poll_mem, daemon=True),
        ]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(5)

    def _mark(self, key: str, now: float) -> None:
        if self.thresholds[key] is None:
            self.thresholds[key] = now

    def _poll_db(self) -> None:
        conn: sqlite3.Connection | None = None
        last_sample = -1.0
        uri = f"file:{self.db_path}?mode=ro"
        try:
            while not self.stop.is_set():
                try:
                    if conn is None:
                        if not self.db_path.exists():
                            self.stop.wait(DB_POLL)
                            continue
                        conn = sqlite3.connect(uri, uri=True, timeout=0.2, check_same_thread=False)
                    row = conn.execute(
                        "SELECT count(*), count(*) FILTER (WHERE parse_state != 'headers') "
                        "FROM message"
                    ).fetchone()
                    now = time.perf_counter() - self.t0
                    visible, with_body = int(row[0]), int(row[1])
                    if visible >= 1:
                        self._mark("first_visible", now)
                    if visible >= min(VISIBLE_TARGET, self.n):
                        self._mark("newest_100_visible", now)
                    if with_body >= min(VISIBLE_TARGET, self.n):
                        self._mark("newest_100_with_body", now)
                    if visible >= self.n:
                        self._mark("all_visible", now)
                    if with_body >= self.n:
                        self._mark("all_with_body", now)
                    if now - last_sample >= 0.5:
                        self.timeline.append((round(now, 3), visible, with_body))
                        last_sample = now
                except sqlite3.Error as exc:  # not created yet, schema not there yet, busy
                    if len(self.db_errors) < 5 and "no such table" not in str(exc):
                        self.db_errors.append(str(exc))
                    if conn is not None and "no such table" not in str(exc):
                        with contextlib.suppress(sqlite3.Error):
                            conn.close()
                        conn = None
                self.stop.wait(DB_POLL)
        finally:
            if conn is not None:
                conn.close()

    def _poll_mem(self) -> None:
        try:
            main = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        k = 0
        while not self.stop.is_set():
            k += 1
            try:
                procs = [main, *main.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            total = 0
            pss = 0
            want_pss = k % PSS_EVERY == 1
            for i, proc in enumerate(procs):
                try:
                    if want_pss:
                        info = proc.memory_full_info()
                        rss, pss_one = int(info.rss), int(getattr(info, "pss", 0))
                        pss += pss_one
                    else:
                        rss = int(proc.memory_info().rss)
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                total += rss
                if i == 0:
                    self.peak_main = max(self.peak_main, rss)
            self.peak_total = max(self.peak_total, total)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(procs))
            self.stop.wait(MEM_POLL)


def run_monitored(
    cmd: Sequence[str], *, env: dict[str, str], db_path: Path, n: int, timeout: float = 3600.0
) -> Monitored:
    """Run ``cmd`` while polling ``db_path`` (rows in ``message``) and its memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        watcher = _Watcher(proc.pid, db_path, n, t0)
        watcher.start()
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from None
        finally:
            seconds = time.perf_counter() - t0
            watcher.finish()
        out.seek(0)
        err.seek(0)
        result = Run(
            list(cmd),
            seconds,
            rc,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    if watcher.db_errors:
        result.stderr += "".join(f"\n[bench: db poll: {e}]" for e in watcher.db_errors)
    return Monitored(
        result,
        watcher.thresholds,
        watcher.peak_total,
        watcher.peak_main,
        watcher.peak_pss,
        watcher.peak_procs,
        watcher.timeline,
    )


# ---------------------------------------------------------------------- environment


def tool_version(cmd: Sequence[str]) -> str:
    exe = shutil.which(cmd[0]) or (cmd[0] if os.access(cmd[0], os.X_OK) else None)
    if exe is None:
        return "not installed"
    try:
        r = run([exe, *cmd[1:]], timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"error: {exc}"
    text = (r.stdout.strip() or r.stderr.strip()).splitlines()
    return text[0] if text else f"exit {r.returncode}"


def filesystem_of(path: Path) -> str:
    best = ""
    fstype = "?"
    for part in psutil.disk_partitions(all=True):
        mp = part.mountpoint
        if (str(path) == mp or str(path).startswith(mp.rstrip("/") + "/")) and len(mp) > len(best):
            best, fstype = mp, part.fstype
    return f"{fstype} ({best or '?'})"


def machine_info(unibox_cmd: Sequence[str]) -> dict[str, Any]:
    vm = psutil.virtual_memory()
    return {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "memory_gb": round(vm.total / 1024**3, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {
            "unibox": tool_version([*unibox_cmd, "--version"]),
            "mbsync": tool_version(["mbsync", "--version"]),
            "notmuch": tool_version(["notmuch", "--version"]),
            "offlineimap": tool_version(["offlineimap", "--version"]),
            "dovecot": tool_version(["dovecot", "--version"]),
        },
    }


def compile_sources() -> None:
    """Bytecode for src/, as `pip install` leaves it (else every run compiles ~100 modules)."""
    import compileall

    compileall.compile_dir(str(REPO / "src"), quiet=1)


def unibox_command() -> list[str]:
    script = REPO / ".venv" / "bin" / "unibox"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "unibox.cli"]


def mbsync_version() -> tuple[int, ...]:
    text = tool_version(["mbsync", "--version"])
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        return (0,)
    return tuple(int(g) for g in m.groups() if g is not None)


# What `unibox sync` runs (the window's code is left out: others edit it meanwhile).
SYNC_SOURCES = (
    "cli",
    "config.py",
    "secrets.py",
    "core",
    "store",
    "sync",
    "channels",
)


def source_state() -> dict[str, Any]:
    """The commit and a digest of each source file `unibox sync` uses, to see edits mid-run."""
    files: dict[str, str] = {}
    root = REPO / "src" / "unibox"
    for name in SYNC_SOURCES:
        paths = [root / name] if name.endswith(".py") else sorted((root / name).rglob("*.py"))
        for path in paths:
            with contextlib.suppress(OSError):
                files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    head = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    total = hashlib.sha256("".join(f"{k}:{v}" for k, v in sorted(files.items())).encode())
    return {"commit": head, "digest": total.hexdigest()[:16], "files": files}


def changed_files(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    a, b = before.get("files", {}), after.get("files", {})
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def count_maildir_messages(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) in ("cur", "new"):
            total += len(files)
    return total


# ---------------------------------------------------------------------- server


@dataclass
class Server:
    """Where the tools connect, in the chosen mode."""

    host: str
    port: int
    tls: bool
    password: str
    ca_file: Path


def warm_dovecot(dc: Dovecot, user: str) -> dict[str, Any]:
    """One full FETCH of every message, so Dovecot's index and cache are built once."""
    t0 = time.perf_counter()
    client = dc.imap(user)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        fetched = 0
        nbytes = 0
        for i in range(0, len(uids), 1000):
            chunk = uids[i : i + 1000]
            data = client.fetch(
                chunk,
                ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[HEADER]", "BODY.PEEK[]"],
            )
            fetched += len(data)
            nbytes += sum(len(v.get(b"BODY[]", b"")) for v in data.values())
        client.close_folder()
    finally:
        with contextlib.suppress(Exception):
            client.logout()
    return {"messages": fetched, "mb": round(nbytes / MB, 1), "seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------------- unibox


@dataclass
class Unibox:
    cmd: list[str]
    profile: Path
    keyring: Path
    server: Server

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(self.keyring)
        env.pop("UNIBOX_PROFILE", None)
        # An installed unibox runs from bytecode (pip compiles it), as offlineimap's
        # Debian package does; see compile_sources().
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def argv(self, *args: str) -> list[str]:
        return [*self.cmd, "--profile", str(self.profile), *args]

    def add_account(self) -> Run:
        s = self.server
        args = [
            "account", "add-mail", "--name", "B", "--email", EMAIL,
            "--imap-host", s.host, "--imap-port", str(s.port),
            "--imap-security", "ssl" if s.tls else "plain",
            "--username", USER, "--password-stdin",
        ]  # fmt: skip
        if s.tls:
            args += ["--ca-file", str(s.ca_file)]
        return run(self.argv(*args), env=self.env, input_text=s.password + "\n").check(
            "unibox account add-mail"
        )

    def sync(self) -> Run:
        return run(self.argv("sync"), env=self.env)

    def sync_verbose(self) -> Run:
        """`unibox -v sync`: the log says whether the quick no-change check answered."""
        return run(self.argv("-v", "sync"), env=self.env)

    def sync_monitored(self, n: int) -> Monitored:
        return run_monitored(
            self.argv("sync"), env=self.env, db_path=self.profile / "unibox.sqlite3", n=n
        )

    def stats(self) -> dict[str, Any]:
        r = run(self.argv("stats", "--json"), env=self.env).check("unibox stats --json")
        data: dict[str, Any] = json.loads(r.stdout)
        return data

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        r = run(self.argv("search", query, "--json", "--limit", str(limit)), env=self.env)
        r.check(f"unibox search {query!r}")
        found: list[dict[str, Any]] = json.loads(r.stdout)
        return found


def _plain_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, ValueError):
        return ""


def search_probe(raws: Sequence[bytes]) -> dict[str, Any]:
    """A body word of the oldest message (synced last: newest first), not in its headers,
    and a date window around it, so the search has few hits and must include it."""
    common = {w for w in WORDS if len(w) >= 6}
    for raw in raws:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        subject = str(msg.get("Subject", ""))
        body = _plain_text(msg)
        head = raw[: raw.find(b"\r\n\r\n")].decode("ascii", "replace").lower()
        words = [w for w in re.findall(r"[a-z]{6,}", body.lower()) if w in common]
        candidates = [w for w in dict.fromkeys(words) if w not in head]
        if not candidates:
            continue
        date = msg.get("Date")
        when = email.utils.parsedate_to_datetime(str(date)).astimezone(dt.UTC)
        after = (when - dt.timedelta(days=2)).date().isoformat()
        before = (when + dt.timedelta(days=2)).date().isoformat()
        return {
            "word": candidates[0],
            "query": f"{candidates[0]} after:{after} before:{before}",
            "subject": subject,
            "date_utc": when.isoformat(),
        }
    raise BenchError("no message with a usable body word to search for")


def check_search(ub: Unibox, probe: dict[str, Any]) -> dict[str, Any]:
    hits = ub.search(probe["query"], limit=1000)
    want = probe["subject"].strip()
    found = any(str(h.get("subject", "")).strip() == want for h in hits)
    return {**probe, "hits": len(hits), "found_expected_message": found}


# ---------------------------------------------------------------------- reference tools


def write_mbsync_config(path: Path, maildir: Path, server: Server) -> None:
    version = mbsync_version()
    tls_key = "TLSType" if version >= (1, 5) else "SSLType"
    lines = [
        "IMAPAccount bench",
        f"Host {server.host}",
        f"Port {server.port}",
        f"User {USER}",
        f'Pass "{server.password}"',
        f"{tls_key} {'IMAPS' if server.tls else 'None'}",
    ]
    if server.tls:
        lines.append(f"CertificateFile {server.ca_file}")
    lines += [
        "",
        "IMAPStore bench-remote",
        "Account bench",
        "",
        "MaildirStore bench-local",
        f"Path {maildir}/",
        f"Inbox {maildir}/INBOX",
        "SubFolders Verbatim",
        "",
        "Channel bench",
        "Far :bench-remote:",
        "Near :bench-local:",
        "Patterns *",
        "Create Near",
        "Sync Pull",
        "SyncState *",
        "",
    ]
    path.write_text("\n".join(lines))
    path.chmod(0o600)


def write_notmuch_config(path: Path, maildir: Path) -> None:
    ignore = ".mbsyncstate;.mbsyncstate.journal;.mbsyncstate.new;.mbsyncstate.lock;.uidvalidity"
    path.write_text(
        "[database]\n"
        f"path={maildir}\n"
        "[user]\n"
        "name=Sam Rivera\n"
        f"primary_email={EMAIL}\n"
        "[new]\n"
        "tags=unread;inbox;\n"
        f"ignore={ignore}\n"
        "[search]\n"
        "exclude_tags=deleted;spam;\n"
        "[maildir]\n"
        "synchronize_flags=true\n"
    )


def write_offlineimap_config(path: Path, maildir: Path, meta: Path, server: Server) -> None:
    remote = [
        "[Repository remote]",
        "type = IMAP",
        f"remotehost = {server.host}",
        f"remoteport = {server.port}",
        f"remoteuser = {USER}",
        f"remotepass = {server.password.replace('%', '%%')}",
    ]
    if server.tls:
        remote += ["ssl = yes", f"sslcacertfile = {server.ca_file}"]
    else:
        remote += ["ssl = no", "starttls = no"]
    path.write_text(
        "\n".join(
            [
                "[general]",
                "accounts = bench",
                f"metadata = {meta}",
                "",
                "[Account bench]",
                "localrepository = local",
                "remoterepository = remote",
                "",
                "[Repository local]",
                "type = Maildir",
                f"localfolders = {maildir}",
                "",
                *remote,
                "",
            ]
        )
    )
    path.chmod(0o600)


@dataclass
class Reference:
    work: Path
    server: Server
    mbsync_rc: Path = field(init=False)
    notmuch_rc: Path = field(init=False)
    offlineimap_rc: Path = field(init=False)
    mb_maildir: Path = field(init=False)
    oi_maildir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.mb_maildir = self.work / "mbsync-maildir"
        self.oi_maildir = self.work / "offlineimap-maildir"
        self.mb_maildir.mkdir()
        self.oi_maildir.mkdir()
        (self.work / "offlineimap-meta").mkdir()
        self.mbsync_rc = self.work / "mbsyncrc"
        self.notmuch_rc = self.work / "notmuch-config"
        self.offlineimap_rc = self.work / "offlineimaprc"
        write_mbsync_config(self.mbsync_rc, self.mb_maildir, self.server)
        write_notmuch_config(self.notmuch_rc, self.mb_maildir)
        write_offlineimap_config(
            self.offlineimap_rc, self.oi_maildir, self.work / "offlineimap-meta", self.server
        )

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["HOME"] = str(self.work)  # nothing from the real home directory is read
        env["NOTMUCH_CONFIG"] = str(self.notmuch_rc)
        return env

    def mbsync(self) -> Run:
        return run(["mbsync", "-c", str(self.mbsync_rc), "-q", "-a"], env=self.env)

    def notmuch_new(self) -> Run:
        return run(["notmuch", f"--config={self.notmuch_rc}", "new", "--quiet"], env=self.env)

    def notmuch_count(self) -> int:
        r = run(["notmuch", f"--config={self.notmuch_rc}", "count", "*"], env=self.env)
        r.check("notmuch count")
        return int(r.stdout.strip() or 0)

    def offlineimap(self) -> Run:
        return run(["offlineimap", "-c", str(self.offlineimap_rc), "-u", "quiet"], env=self.env)


# ---------------------------------------------------------------------- the run


@dataclass
class Results:
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def get(self, key: str) -> Any:
        return self.data.get(key)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stderr_lines(r: Run) -> list[str]:
    return [line for line in r.stderr.splitlines() if line.strip()]


def bench_unibox_initial(
    ub: Unibox, n: int, probe: dict[str, Any], res: Results, warm_at: float
) -> None:
    ub.add_account()
    res.set("unibox_initial_seconds_after_warmup", round(time.perf_counter() - warm_at, 1))
    log(f"unibox: initial sync of {n} messages")
    mon = ub.sync_monitored(n)
    mon.run.check("unibox sync (initial)")  # on failure the error carries stderr
    res.set("unibox_initial_stderr", stderr_lines(mon.run))
    res.set("unibox_initial", mon.run.seconds)
    res.set("unibox_thresholds", mon.thresholds)
    res.set("unibox_peak_rss_total_mb", mon.peak_rss_total / MB)
    res.set("unibox_peak_rss_main_mb", mon.peak_rss_main / MB)
    res.set("unibox_peak_pss_total_mb", mon.peak_pss_total / MB)
    res.set("unibox_peak_processes", mon.peak_processes)
    res.set("unibox_timeline", mon.timeline)
    stats = ub.stats()
    res.set("unibox_stats_after_initial", stats)
    if stats.get("messages") != n or stats.get("messages_without_body") != 0:
        res.errors.append(
            f"unibox after initial sync: stats messages={stats.get('messages')} (want {n}), "
            f"messages_without_body={stats.get('messages_without_body')} (want 0)"
        )
    search = check_search(ub, probe)
    res.set("unibox_search_check", search)
    if not search["found_expected_message"]:
        res.errors.append(
            f"unibox search {search['query']!r}: the expected message "
            f"({search['subject']!r}) was not among {search['hits']} hits"
        )
    size = ub.profile / "unibox.sqlite3"
    if size.exists():
        res.set("unibox_db_mb", size.stat().st_size / MB)


QUICK_LINE = "nothing changed on the server (quick check)"


def bench_unibox_nochange(ub: Unibox, runs: int, res: Results) -> None:
    log(f"unibox: no-change re-sync x{runs}")
    times, rs = repeat(runs, ub.sync_verbose, "unibox sync (no change)")
    res.set("unibox_nochange", summary(times))
    quick = sum(any(QUICK_LINE in line for line in stderr_lines(r)) for r in rs)
    res.set("unibox_nochange_quick_runs", quick)
    if quick != len(rs):
        res.notes.append(f"unibox no-change: the quick check answered {quick} of {len(rs)} runs")
    warnings = sorted(
        {line for r in rs for line in stderr_lines(r) if " WARNING " in line or " ERROR " in line}
    )
    if warnings:
        res.set("unibox_nochange_stderr", warnings)


def bench_unibox_incremental(ub: Unibox, n_total: int, res: Results) -> None:
    log(f"unibox: incremental sync (+{INCREMENT})")
    mon = ub.sync_monitored(n_total)
    mon.run.check("unibox sync (incremental)")
    res.set("unibox_incremental_stderr", stderr_lines(mon.run))
    res.set("unibox_incremental", mon.run.seconds)
    res.set("unibox_incremental_peak_rss_total_mb", mon.peak_rss_total / MB)
    stats = ub.stats()
    res.set("unibox_stats_after_incremental", stats)
    if stats.get("messages") != n_total or stats.get("messages_without_body") != 0:
        res.errors.append(
            f"unibox after incremental sync: stats messages={stats.get('messages')} "
            f"(want {n_total}), messages_without_body={stats.get('messages_without_body')}"
        )


def bench_reference_initial(ref: Reference, n: int, runs: int, res: Results) -> None:
    log("mbsync: initial copy")
    r = ref.mbsync().check("mbsync (initial)")
    res.set("mbsync_initial", r.seconds)
    if stderr_lines(r):
        res.set("mbsync_stderr", stderr_lines(r)[:20])
    res.set("mbsync_messages", count_maildir_messages(ref.mb_maildir))
    log("notmuch new: initial index")
    r = ref.notmuch_new().check("notmuch new (initial)")
    res.set("notmuch_new_initial", r.seconds)
    if stderr_lines(r):
        res.set("notmuch_stderr", stderr_lines(r)[:20])
    res.set("notmuch_messages", ref.notmuch_count())
    log(f"mbsync: no-change re-sync x{runs}")
    times, _ = repeat(runs, ref.mbsync, "mbsync (no change)")
    res.set("mbsync_nochange", summary(times))
    log("offlineimap: initial sync (slow)")
    r = ref.offlineimap().check("offlineimap (initial)")
    res.set("offlineimap_initial", r.seconds)
    if stderr_lines(r):
        res.set("offlineimap_stderr", stderr_lines(r)[:20])
    res.set("offlineimap_messages", count_maildir_messages(ref.oi_maildir))
    log("offlineimap: no-change re-sync x3")
    times, _ = repeat(3, ref.offlineimap, "offlineimap (no change)")
    res.set("offlineimap_nochange", summary(times))
    for key in ("mbsync_messages", "notmuch_messages", "offlineimap_messages"):
        if res.get(key) != n:
            res.notes.append(f"{key} = {res.get(key)} (expected {n})")


def bench_reference_incremental(ref: Reference, res: Results) -> None:
    log(f"mbsync + notmuch new, offlineimap: incremental (+{INCREMENT})")
    r1 = ref.mbsync().check("mbsync (incremental)")
    r2 = ref.notmuch_new().check("notmuch new (incremental)")
    res.set("mbsync_incremental", r1.seconds)
    res.set("notmuch_new_incremental", r2.seconds)
    r3 = ref.offlineimap().check("offlineimap (incremental)")
    res.set("offlineimap_incremental", r3.seconds)


def attempt(res: Results, what: str, fn: Callable[[], None]) -> bool:
    try:
        fn()
        return True
    except (BenchError, OSError, subprocess.SubprocessError, ValueError) as exc:
        res.errors.append(f"{what}: {exc}")
        log(f"ERROR in {what}: {exc}")
        return False


# ---------------------------------------------------------------------- report


def fmt_s(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("median")
    return "—" if value is None else f"{value:.2f} s"


def fmt_range(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return f"median of {len(value['runs'])}, {value['min']:.2f}–{value['max']:.2f}"


def median_of(value: Any) -> float | None:
    if isinstance(value, dict):
        return float(value["median"])
    return float(value) if isinstance(value, int | float) else None


def report(res: Results, n: int) -> str:
    d = res.data
    m = d["machine"]
    th = d.get("unibox_thresholds") or {}
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))

    def threshold(key: str) -> str:
        v = th.get(key)
        return "—" if v is None else f"{v:.2f} s"

    row(f"unibox initial sync + index ({n} msgs)", fmt_s(d.get("unibox_initial")), "until exit 0")
    row("  first message visible", threshold("first_visible"), "since process start")
    row("  newest 100 visible", threshold("newest_100_visible"), f"target < {TARGET_VISIBLE_S:g} s")
    row("  newest 100 with body", threshold("newest_100_with_body"))
    row(f"  all {n} visible (headers)", threshold("all_visible"))
    row(f"  all {n} with body", threshold("all_with_body"))
    peak_target = f"target < {TARGET_PEAK_MB:g} MB"
    for key, name, note in (
        ("unibox_peak_rss_total_mb", "unibox peak RSS, process + children", peak_target),
        ("unibox_peak_rss_main_mb", "unibox peak RSS, main process", ""),
        ("unibox_peak_pss_total_mb", "unibox peak PSS, process + children", "sampled every 0.5 s"),
    ):  # fmt: skip
        v = d.get(key)
        row(name, "—" if v is None else f"{v:.0f} MB", note)
    quick = d.get("unibox_nochange_quick_runs")
    row(
        "unibox no-change re-sync",
        fmt_s(d.get("unibox_nochange")),
        fmt_range(d.get("unibox_nochange")) + ("" if quick is None else f"; quick check {quick}x"),
    )
    row(f"unibox incremental (+{INCREMENT})", fmt_s(d.get("unibox_incremental")))
    if not d.get("skip_reference"):
        mb, nm = median_of(d.get("mbsync_initial")), median_of(d.get("notmuch_new_initial"))
        row("mbsync initial copy", fmt_s(mb))
        row("notmuch new (initial index)", fmt_s(nm))
        row("mbsync + notmuch new", fmt_s(mb + nm if mb is not None and nm is not None else None))
        row(
            "mbsync no-change re-sync",
            fmt_s(d.get("mbsync_nochange")),
            fmt_range(d.get("mbsync_nochange")),
        )
        row("offlineimap initial sync", fmt_s(d.get("offlineimap_initial")))
        row(
            "offlineimap no-change re-sync",
            fmt_s(d.get("offlineimap_nochange")),
            fmt_range(d.get("offlineimap_nochange")),
        )
        mi, ni = median_of(d.get("mbsync_incremental")), median_of(d.get("notmuch_new_incremental"))
        row(
            f"mbsync + notmuch new incremental (+{INCREMENT})",
            fmt_s(mi + ni if mi is not None and ni is not None else None),
            "" if mi is None else f"{mi:.2f} + {ni:.2f}",
        )
        row(f"offlineimap incremental (+{INCREMENT})", fmt_s(d.get("offlineimap_incremental")))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    out: list[str] = []
    out.append(f"unibox mail sync benchmark — {n} messages, {d['mailbox_mb']:.0f} MB, one INBOX")
    out.append(
        f"machine: {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}, "
        f"load avg at start {m['load_avg_at_start']}, at end {d.get('load_avg_at_end')} "
        "(other work on the machine shows here)"
    )
    out.append("versions: " + "; ".join(f"{k} {v}" for k, v in m["versions"].items()))
    src = d.get("source_at_start") or {}
    out.append(f"unibox source: commit {src.get('commit')}, sync code digest {src.get('digest')}")
    out.append(f"transport: {d['transport']}")
    out.append(f"inputs: {d['inputs']}")
    out.append(f"targets written to: {d['work_fs']}")
    out.append("")
    out.append(f"{'measurement':<{w0}}  {'value':>{w1}}  note")
    out.append(f"{'-' * w0}  {'-' * w1}  {'-' * 30}")
    for name, value, note in rows:
        out.append(f"{name:<{w0}}  {value:>{w1}}  {note}".rstrip())
    out.append("")
    out.append("ratios (the issue's targets; > 1 means unibox is faster):")
    ui = median_of(d.get("unibox_initial"))
    un = median_of(d.get("unibox_nochange"))
    if not d.get("skip_reference"):
        mb, nm = median_of(d.get("mbsync_initial")), median_of(d.get("notmuch_new_initial"))
        on = median_of(d.get("offlineimap_nochange"))
        oi = median_of(d.get("offlineimap_initial"))
        if ui and mb is not None and nm is not None:
            out.append(
                f"  (mbsync + notmuch new) / unibox initial   = {(mb + nm) / ui:5.2f}x   "
                f"target >= {TARGET_INITIAL_RATIO:g}x"
            )
        if un and on is not None:
            out.append(
                f"  offlineimap no-change / unibox no-change  = {on / un:5.2f}x   target > 1x"
            )
        if ui and oi is not None:
            out.append(f"  offlineimap initial / unibox initial      = {oi / ui:5.2f}x   (info)")
        mbn = median_of(d.get("mbsync_nochange"))
        if un and mbn is not None:
            out.append(f"  mbsync no-change / unibox no-change       = {mbn / un:5.2f}x   (info)")
    else:
        out.append("  (reference tools skipped)")
    vis = th.get("newest_100_visible")
    peak = d.get("unibox_peak_rss_total_mb")
    out.append(
        f"  newest 100 visible: {fmt_s(vis)} (target < {TARGET_VISIBLE_S:g} s); "
        f"peak memory: {'—' if peak is None else f'{peak:.0f} MB'} "
        f"(target < {TARGET_PEAK_MB:g} MB)"
    )
    search = d.get("unibox_search_check")
    stats = d.get("unibox_stats_after_initial")
    out.append("")
    if stats:
        out.append(
            f"check: unibox stats after initial sync: messages={stats.get('messages')}, "
            f"messages_without_body={stats.get('messages_without_body')}, "
            f"store {d.get('unibox_db_mb', 0):.0f} MB"
        )
    if search:
        out.append(
            f"check: unibox search {search['query']!r}: {search['hits']} hits, last-synced "
            f"(oldest) message found: {'yes' if search['found_expected_message'] else 'NO'}"
        )
    if not d.get("skip_reference"):
        out.append(
            f"check: copies — mbsync {d.get('mbsync_messages')}, notmuch "
            f"{d.get('notmuch_messages')}, offlineimap {d.get('offlineimap_messages')} messages"
        )
    for key in ("unibox_initial_stderr", "unibox_nochange_stderr", "unibox_incremental_stderr"):
        lines = d.get(key)
        if lines:
            out.append(f"unibox printed on stderr ({key.removeprefix('unibox_')}):")
            out += [f"  {line}" for line in lines[:20]]
    for key in ("mbsync_stderr", "notmuch_stderr", "offlineimap_stderr"):
        lines = d.get(key)
        if lines:
            out.append(f"{key.removesuffix('_stderr')} printed on stderr (first lines):")
            out += [f"  {line}" for line in lines[:5]]
    for note in res.notes:
        out.append(f"note: {note}")
    for err in res.errors:
        out.append(f"ERROR: {err}")
    return "\n".join(out)


# ---------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=10_000, help="mailbox size (default 10000)")
    p.add_argument("--skip-reference", action="store_true", help="only run unibox")
    p.add_argument("--tls", action="store_true", help="implicit TLS (IMAPS) for every tool")
    p.add_argument("--resync-runs", type=int, default=5, help="no-change runs (median)")
    p.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where sync targets are written (default: the system temp dir, on disk)",
    )
    p.add_argument("--keep", action="store_true", help="keep the work dir")
    p.add_argument("--json", type=Path, default=REPO / "artifacts" / "bench_sync.json")
    args = p.parse_args(argv)
    n: int = args.messages
    if n < 1:
        p.error("--messages must be >= 1")
    if not Dovecot.available():
        print("bench_sync: needs root and Debian's dovecot-imapd", file=sys.stderr)
        return 1

    res = Results()
    compile_sources()
    ub_cmd = unibox_command()
    res.set("machine", machine_info(ub_cmd))  # also warms each tool's files once
    res.set("messages", n)
    res.set("source_at_start", source_state())
    res.set("skip_reference", bool(args.skip_reference))

    log(f"generating {n + INCREMENT} messages")
    t0 = time.perf_counter()
    # One generation: the first n are the mailbox, the last 100 (the newest) arrive later.
    everything = generate_mailbox(n + INCREMENT, seed=1)
    raws, extra = everything[:n], everything[n:]
    res.set("generate_seconds", time.perf_counter() - t0)
    res.set("mailbox_mb", sum(map(len, raws)) / MB)
    res.set("median_message_kb", statistics.median(map(len, raws)) / 1024)
    probe = search_probe(raws)

    parent = str(args.workdir) if args.workdir else None
    work = Path(tempfile.mkdtemp(prefix="unibox-bench-sync-", dir=parent))
    res.set("workdir", str(work))
    res.set("work_fs", f"{work} on {filesystem_of(work)}; kept until the end of the run")
    dc = Dovecot()
    try:
        dc.start()
        if args.tls:
            server = Server("localhost", dc.imaps_port, True, dc.password, dc.ca_file)
            res.set("transport", "implicit TLS (IMAPS) to localhost, every tool verifies the CA")
        else:
            server = Server("127.0.0.1", dc.imap_port, False, dc.password, dc.ca_file)
            res.set("transport", "plain IMAP on loopback 127.0.0.1 (no TLS), every tool")
        log(f"delivering {n} messages to Dovecot ({dc.directory})")
        t0 = time.perf_counter()
        dc.deliver_many(USER, raws)
        res.set("deliver_seconds", time.perf_counter() - t0)
        log("warming Dovecot: one FETCH of every message")
        warm = warm_dovecot(dc, USER)
        warm_at = time.perf_counter()
        res.set("warmup", warm)
        res.set(
            "inputs",
            f"warm: Dovecot's maildir on {filesystem_of(dc.directory)} (in RAM); its index "
            f"and cache built by one full FETCH ({warm['messages']} msgs, "
            f"{warm['seconds']:.1f} s) before any tool ran; each tool's binaries ran once "
            "(--version) first",
        )

        ub = Unibox(ub_cmd, work / "unibox-profile", work / "unibox-keyring.cfg", server)
        ub_ok = attempt(
            res, "unibox initial sync", lambda: bench_unibox_initial(ub, n, probe, res, warm_at)
        )
        if ub_ok:
            attempt(
                res,
                "unibox no-change re-sync",
                lambda: bench_unibox_nochange(ub, args.resync_runs, res),
            )
        res.set("source_after_unibox_runs", source_state())
        ref: Reference | None = None
        if not args.skip_reference:
            ref_dir = work / "reference"
            ref_dir.mkdir()
            made = Reference(ref_dir, server)
            if attempt(
                res,
                "reference tools",
                lambda: bench_reference_initial(made, n, args.resync_runs, res),
            ):
                ref = made
        log(f"delivering {INCREMENT} more messages")
        dc.deliver_many(USER, extra)
        if ub_ok:
            attempt(
                res,
                "unibox incremental sync",
                lambda: bench_unibox_incremental(ub, n + INCREMENT, res),
            )
        if ref is not None:
            reference = ref
            attempt(
                res, "reference incremental", lambda: bench_reference_incremental(reference, res)
            )
    finally:
        dc.stop(graceful=False)
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    res.set("errors", res.errors)
    res.set("notes", res.notes)
    res.set("finished_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    res.set("load_avg_at_end", [round(x, 2) for x in os.getloadavg()])
    res.set("source_at_end", source_state())
    start, mid = res.get("source_at_start"), res.get("source_after_unibox_runs") or {}
    for edited, when in (
        (changed_files(start, mid) if mid else [], "during unibox's initial/no-change runs"),
        (
            changed_files(mid or start, res.get("source_at_end")),
            "after those (only the incremental run may see it)",
        ),
    ):
        if edited:
            res.errors.append(
                f"unibox's sync code was edited {when} (each unibox process ran one version, "
                "but the figures may come from different ones): " + ", ".join(edited)
            )
    text = report(res, n)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res.data, indent=2, default=str) + "\n")
    log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
