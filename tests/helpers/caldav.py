"""A CalDAV user on the session's Radicale, a store that syncs with it, and the
other device: events written and read on the server directly (plain HTTP)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from tests.helpers.items import new_store
from tests.helpers.radicale import Radicale
from unibox.secrets import SecretStore
from unibox.services.calendars import AccountSync, add_caldav, sync_all
from unibox.store import calendars
from unibox.store.calendars import CalendarInfo
from unibox.store.schema_events import Event
from unibox.store.store import Store
from unibox.sync.calendars import CalendarSyncReport

_users = itertools.count(1)
ICS = {"Content-Type": "text/calendar; charset=utf-8"}


def vcalendar(*vevents: str, extra: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other device//EN\r\n"
        + extra
        + "".join(vevents)
        + "END:VCALENDAR\r\n"
    )


def vevent(uid: str, start: str, end: str = "", summary: str = "", *lines: str) -> str:
    """A VEVENT; `start`/`end` as written after DTSTART (e.g. ";TZID=Europe/Berlin:2026…")."""
    body = [f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"DTSTART{start}"]
    if end:
        body.append(f"DTEND{end}")
    if summary:
        body.append(f"SUMMARY:{summary}")
    body.extend(lines)
    return "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in body) + "END:VEVENT\r\n"


def stamp(text: str) -> int:
    return int(datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp())


@dataclass
class CalDavUser:
    server: Radicale
    user: str
    store: Store
    secrets: SecretStore

    # -- the other device --------------------------------------------------

    def put(self, path: str, text: str, etag: str = "") -> str:
        headers = {**ICS, **({"If-Match": etag} if etag else {})}
        status, got, body = self.server.request(
            self.user, "pw", "PUT", path, text.encode(), **headers
        )
        assert status in (201, 204), (status, body[:300])
        return got.get("etag", "")

    def get(self, path: str) -> str | None:
        status, _h, body = self.server.request(self.user, "pw", "GET", path)
        return body.decode() if status == 200 else None

    def delete(self, path: str) -> bool:
        return self.server.request(self.user, "pw", "DELETE", path)[0] in (200, 204)

    def hrefs(self, calendar: str) -> list[str]:
        status, _h, body = self.server.request(
            self.user,
            "pw",
            "PROPFIND",
            f"/{self.user}/{calendar}/",
            b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
            Depth="1",
        )
        assert status == 207
        import re

        found = re.findall(r"<href>([^<]+)</href>", body.decode())
        return sorted(h for h in found if not h.endswith("/"))

    def path(self, calendar: str, name: str) -> str:
        return f"/{self.user}/{calendar}/{name}"

    # -- here --------------------------------------------------------------

    def sync(self) -> dict[str, CalendarSyncReport]:
        done = self.sync_accounts()
        return {r.calendar: r for a in done for r in a.reports}

    def sync_accounts(self) -> list[AccountSync]:
        return sync_all(self.store, self.secrets)

    def calendar(self, name: str) -> CalendarInfo:
        with self.store.read() as s:
            return calendars.get_calendar(s, name)

    def rows(self, calendar: str | None = None) -> list[Event]:
        with self.store.read() as s:
            query = select(Event).order_by(Event.uid, Event.recurrence_id)
            if calendar is not None:
                query = query.where(Event.calendar_id == calendars.get_calendar(s, calendar).id)
            return list(s.scalars(query))

    def summaries(self, calendar: str | None = None) -> list[str]:
        return sorted(e.summary for e in self.rows(calendar) if e.local_state != "deleted")

    def make_here(
        self, calendar: str, uid: str, summary: str, start: int, minutes: int = 60
    ) -> None:
        """An event made in the window: a row marked new (what the calendar view writes)."""
        with self.store.write() as s:
            cal = calendars.get_calendar(s, calendar)
            s.add(
                Event(
                    uid=uid,
                    summary=summary,
                    starts_at=start,
                    ends_at=start + minutes * 60,
                    last_ends_at=start + minutes * 60,
                    updated_at=int(time.time()),
                    calendar_id=cal.id,
                    source="local",
                    local_state="new",
                )
            )

    def edit_here(self, uid: str, **values: object) -> None:
        """Change an event as the window does: columns, and the row marked changed."""
        with self.store.write() as s:
            for row in s.scalars(select(Event).where(Event.uid == uid)):
                for key, value in values.items():
                    setattr(row, key, value)
                if row.local_state == "":
                    row.local_state = "changed"


def caldav_user(server: Radicale, tmp_path: Path, *calendars_: str) -> CalDavUser:
    """A new user with these calendars on the server, added to a new store as "Work"."""
    user = f"cal{next(_users)}"
    server.add_user(user, "pw")
    server.request(user, "pw", "PROPFIND", f"/{user}/", Depth="0")  # makes the principal
    for name in calendars_ or ("work",):
        server.make_calendar(user, "pw", name)
    store = new_store(tmp_path / user)
    secrets = SecretStore()
    add_caldav(store, secrets, name="Work", url=server.url, username=user, password="pw")
    return CalDavUser(server, user, store, secrets)
