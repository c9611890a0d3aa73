"""Everything Qt: the main window, its models and widgets, the bridge to the store."""
