"""What the rest of the desk says about routing without loading the rules: how a team
hands out its new tickets, and how long a rule's name may be.

Kept apart from `routing_rules` (its conditions, actions and their checks are ~20 frozen
dataclasses, some 20 ms to load) because the schema needs these two at every start and
the rules only once someone routes or edits them.
"""

from __future__ import annotations

from enum import StrEnum

NAME_MAX = 120


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    LEAST_LOADED_WEIGHTED = "least_loaded_weighted"  # open tickets weighted by priority
    AGENT = "agent"  # a named agent
