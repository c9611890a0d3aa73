"""kill -9 of `unibox sync` at points across a large sync: nothing lost, doubled or sent twice.

Each run starts from the same profile (account added, seed mail synced) with
two messages queued and two flag changes waiting, kills the sync at a point
of an undisturbed sync's length, and checks what a user would (see
tests/helpers/kill_runs.py). benchmarks/bench_kills.py runs a hundred.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.kill_runs import KillRig
from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_factory

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_factory"]

# Early (sending and pushing), during the headers, during the bodies.
POINTS = (0.03, 0.3, 0.7)


@pytest.mark.timeout(900)
def test_kill_9_at_points_of_a_large_sync_loses_and_doubles_nothing(
    dovecot: Dovecot,
    mail_user: str,
    tmp_path: Path,
    smtp_factory: Callable[..., SmtpServer],
) -> None:
    rig = KillRig(dovecot, smtp_factory("plain"), mail_user, tmp_path, 1500, max_runs=len(POINTS))
    rig.prepare()
    whole = rig.undisturbed_seconds()
    for point in POINTS:
        result = rig.run(point * whole)
        assert result.stray_processes == 0, result  # the workers died with the command
        assert result.integrity_after_kill == [], result
        assert result.intent_missing == 0, result
        assert result.resync_code == 0, result
        assert result.integrity_after_resync == [], result
        assert (result.lost, result.extra, result.doubled, result.without_body) == (0, 0, 0, 0)
        assert result.sent_once, result
        assert result.flags_wrong == 0, result
