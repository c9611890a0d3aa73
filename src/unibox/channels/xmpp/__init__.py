"""XMPP (Jabber): one-to-one chats and rooms, their archives, carbons and sending."""

from unibox.channels.xmpp.channel import XmppChannel

__all__ = ["XmppChannel"]
