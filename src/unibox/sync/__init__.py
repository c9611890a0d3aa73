"""The sync engine: runs channels off the GUI thread and writes what they bring."""
