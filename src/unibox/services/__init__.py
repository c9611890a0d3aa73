"""The use cases the CLI and the window both call: accounts, sending, contacts, books."""
