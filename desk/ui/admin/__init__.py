"""Setting the desk up: where its database is, and the settings every agent shares."""
