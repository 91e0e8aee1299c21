"""Signing in: the sign-in dialog with its Caps Lock warning, and choosing a new password
(the agent's own change, and the change a reset forces before the window opens)."""
