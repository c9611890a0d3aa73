"""What every test server helper shares: use as a context manager, and its log in error messages."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from .ports import tail_file


class ServerProcess:
    """Base of the Dovecot and Prosody helpers: `start`/`stop` are theirs, the rest is here.

    Subclasses set `stderr_name` and provide `_dir` (None until started), `directory`
    and `log_path`.
    """

    stderr_name = ""
    _dir: Path | None
    directory: Path
    log_path: Path

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the server log and its stderr (for error messages)."""
        if self._dir is None:
            return "(not started)"
        parts = [f"--- {self.log_path} ---", tail_file(self.log_path, lines)]
        stderr = self.directory / self.stderr_name
        if stderr.exists() and stderr.stat().st_size:
            parts.append("--- stderr ---\n" + tail_file(stderr, lines))
        return "\n".join(parts)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
