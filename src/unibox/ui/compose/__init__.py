"""The compose window: new mail, replies and forwards, send later and undo send."""
