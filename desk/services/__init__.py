"""Use cases: one function per thing an agent, supervisor or admin does.

Each write opens its own transaction, checks the acting agent's role, applies the
domain, records events in the ticket's thread and commits. Everything returned is a
frozen dataclass; nothing from the database layer leaves this package.
"""
