"""The benchmark's ward pacing (`bench.pacing`): each person's turns follow their own clock."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from bench.pacing import first_turn, wait_for_turn


@pytest.mark.parametrize(
    ("last_turn", "now", "wait", "next_turn"),
    [
        # On time: the next turn is one period after the last, whatever the task took.
        (100.0, 100.2, 4.8, 105.0),
        (100.0, 104.9, 0.1, 105.0),
        # Exactly at the next turn: no wait.
        (100.0, 105.0, 0.0, 105.0),
        # Overran the period: at once, and the schedule goes on from now (no burst of
        # missed turns to catch up).
        (100.0, 107.5, 0.0, 107.5),
    ],
)
def test_the_next_turn_is_one_period_after_the_last(last_turn, now, wait, next_turn):
    person = SimpleNamespace(next_turn=last_turn)
    assert wait_for_turn(person, 5.0, now) == pytest.approx(wait)
    assert person.next_turn == pytest.approx(next_turn)


def test_people_started_together_keep_their_own_moments():
    """The flaw this replaces: locust's constant_pacing counts from when the user was made,
    so people spawned together acted in step from their second turn on."""
    rng = random.Random(7)
    people = [SimpleNamespace(next_turn=first_turn(5.0, 0.0, rng)) for _ in range(200)]
    firsts = sorted(p.next_turn for p in people)
    assert 0.0 <= firsts[0] and firsts[-1] <= 5.0
    for person in people:
        # The task took 0.3 s; the second turn comes 5 s after the person's own first.
        first = person.next_turn
        wait_for_turn(person, 5.0, first + 0.3)
        assert person.next_turn == pytest.approx(first + 5.0)
    # Spread over the period: no 100 ms window holds more than a tenth of the ward.
    seconds = sorted(p.next_turn % 5.0 for p in people)
    busiest = max(sum(1 for s in seconds if a <= s < a + 0.1) for a in seconds)
    assert busiest <= 20
