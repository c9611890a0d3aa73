"""Matrix (matrix-nio): direct chats and rooms, their history, live sync, sending."""

from unibox.channels.matrix.channel import MatrixChannel

__all__ = ["MatrixChannel"]
