"""The shell: the main window that lays the features out, its declared actions, the
status bar and database banner, and what keeps the session up to date."""
