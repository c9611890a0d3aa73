"""The People side of the window: the list of everyone and each person's record."""
