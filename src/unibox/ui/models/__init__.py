"""Qt item models holding ids; rows are fetched off the GUI thread through the bridge."""
