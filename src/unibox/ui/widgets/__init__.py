"""The widgets of the main window; none of them touches the store."""
