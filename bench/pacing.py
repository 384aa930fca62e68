"""The ward's pacing: each person acts once every period on their own clock.

locust's `constant_pacing` counts its first period from when the user object was made, not from
its first task, so people spawned together fall into step after their first task however their
start was spread (every ward person asked at the same moment of each 5 s: a burst of 200
requests every 5 s, where a ward has people acting at their own moments). Here each person's
turns follow on from their own first turn.
"""

from __future__ import annotations

import random
from time import perf_counter
from typing import Any, Protocol


class Paced(Protocol):
    next_turn: float


def first_turn(period: float, now: float, rng: random.Random | Any = random) -> float:
    """A random moment within the first period: when this person first acts."""
    return now + rng.uniform(0, period)


def wait_for_turn(person: Paced, period: float, now: float) -> float:
    """Seconds to wait until this person's next turn, one period after the last turn. A task
    that overran its period starts the next at once, and the schedule goes on from now rather
    than catching up with a burst of missed turns."""
    person.next_turn = max(person.next_turn + period, now)
    return person.next_turn - now


def pacing(period: float) -> Any:
    """A locust `wait_time` for users that set `next_turn` (their first turn) in `on_start`."""

    def wait_time(person: Paced) -> float:
        return wait_for_turn(person, period, perf_counter())

    return wait_time
