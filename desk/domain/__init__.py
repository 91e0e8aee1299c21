"""The help desk's domain: plain Python, no Qt and no database."""
