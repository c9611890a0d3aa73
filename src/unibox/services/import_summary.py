"""An import's report in sentences, for the window (the terminal prints its own lines)."""

from __future__ import annotations

from unibox.services.imports import ImportReport


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def headline(report: ImportReport) -> str:
    """ "Imported 1,204 messages in 12 conversations." or why nothing was new."""
    if report.messages:
        return (
            f"Imported {_n(report.messages, 'message', 'messages')} in "
            f"{_n(report.conversations, 'conversation', 'conversations')}."
        )
    if report.already:
        return f"Nothing new: all {_n(report.already, 'message was', 'messages were')} there."
    if report.tallies.get("logged calls"):
        return f"Logged {_n(report.tallies['logged calls'], 'call', 'calls')}."
    return "Nothing was imported."


def details(report: ImportReport) -> list[str]:
    """The report's facts, one sentence each: messages, people, tallies, notes."""
    lines = [f"{report.title}" + (f", you are “{report.me}”." if report.me else ".")]
    if report.already:
        lines.append(f"{_n(report.already, 'message was', 'messages were')} imported before.")
    lines.append(
        f"People: {report.people_created:,} created, {report.people_matched:,} "
        "matched to someone already known."
    )
    for what, count in sorted(report.tallies.items()):
        lines.append(f"{count:,} {what}.")
    if report.notices:
        listed = ", ".join(f"{n:,} {what}" for what, n in report.notices.most_common())
        lines.append(f"Not messages from people: {listed}.")
    lines.extend(
        note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in report.notes
    )
    return lines


def skipped_rows(report: ImportReport) -> list[tuple[str, str]]:
    """(where, why) of each skipped line or record kept in the report."""
    rows = []
    for skip in report.skipped:
        reason = skip.reason[:1].upper() + skip.reason[1:]
        rows.append((f"{skip.where} {skip.at}".strip(), reason))
    return rows
