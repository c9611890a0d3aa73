"""unibox: every conversation with your contacts, in one local window."""

__version__ = "0.1.0"
