"""The supervisor's dashboard (issue 15)."""
