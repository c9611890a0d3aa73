"""Slack's message text ("mrkdwn" as exported) as plain text, and its subtypes' meaning.

``<@U123>`` is a mention (shown as @Name), ``<#C123|general>`` a channel,
``<https://x|label>`` a link with a label, ``<!here>`` a broadcast; ``&amp;``,
``&lt;`` and ``&gt;`` are the only escapes.
"""

from __future__ import annotations

import re

_ANGLE = re.compile(r"<([^<>]*)>")

# Subtypes that are Slack's own, not a message from a person: how the report says them.
NOT_MESSAGES = {
    "channel_join": "joined the channel",
    "group_join": "joined the channel",
    "channel_leave": "left the channel",
    "group_leave": "left the channel",
    "channel_topic": "set the topic",
    "group_topic": "set the topic",
    "channel_purpose": "set the purpose",
    "group_purpose": "set the purpose",
    "channel_name": "renamed the channel",
    "group_name": "renamed the channel",
    "channel_archive": "archived the channel",
    "group_archive": "archived the channel",
    "channel_unarchive": "unarchived the channel",
    "group_unarchive": "unarchived the channel",
    "channel_convert_to_private": "made the channel private",
    "pinned_item": "pinned a message",
    "unpinned_item": "unpinned a message",
    "reminder_add": "set a reminder",
    "bot_add": "added an app",
    "bot_remove": "removed an app",
    "bot_message": "messages of bots and apps",
    "tombstone": "deleted messages (their replies are kept)",
    "message_deleted": "deleted messages (their replies are kept)",
    "message_changed": "edit records (the message's last text is kept)",
    "huddle_thread": "huddles",
    "joiner_notification_for_inviter": "joined the workspace",
    "slackbot_response": "messages of bots and apps",
}
# Subtypes that are a person's message like any other.
MESSAGES = {"", "file_share", "thread_broadcast", "me_message", "file_comment"}


def plain(text: str, names: dict[str, str]) -> str:
    """Mentions, channels and links as a person reads them; entities unescaped."""

    def one(m: re.Match[str]) -> str:
        inside = m[1]
        target, _bar, label = inside.partition("|")
        if target.startswith("@"):
            return "@" + (label or names.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^", 1)[0])
        if label and label != target:
            return f"{label} ({target})"
        return target.removeprefix("mailto:")

    return _ANGLE.sub(one, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
