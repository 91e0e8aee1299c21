"""The agent's notifications: SLA breaches of the tickets they work or supervise."""
