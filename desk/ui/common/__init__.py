"""What every feature shares: dialogs, wording, style, background work, the change hub,
drafts and the session. It imports no feature and not the shell."""
