"""One ticket: its fields, its thread and reply box, the actions on it and their dialogs."""
