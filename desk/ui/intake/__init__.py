"""The phone and walk-in intake: the form and the caller it is for."""
