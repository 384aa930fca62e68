"""The directory's taxonomy terms (kinds, barriers, flags), kept per process while the
directory stays the same.

Every search reads them twice (the form's choices, and the ids its filters probe), and the
Referrals tab once more for the barriers form: a few dozen rows that change only when an
administrator edits the directory. They are kept on the directory's version marker
(`referrals.directory_version`, which every write to the directory changes, however it is
made), as `referrals.hotlines` keeps the national lines: a change is read at once, and inside a
transaction that wrote to the directory nothing is kept.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from referrals.directory_version import directory_version
from referrals.models import TaxonomyTerm


@dataclass(frozen=True)
class Term:
    id: uuid.UUID
    taxonomy: str
    code: str
    name: str


# (marker, terms): only the current marker's terms are kept.
_kept: tuple[str, tuple[Term, ...]] = ("", ())
_lock = threading.Lock()


def directory_terms() -> tuple[Term, ...]:
    """Every taxonomy term of the directory, as plain values."""
    global _kept
    marker = directory_version()
    if marker is None:  # inside a transaction that changed the directory: read it afresh
        return read_terms()
    with _lock:
        kept_marker, terms = _kept
    if kept_marker == marker:
        return terms
    # Read outside the lock: two threads may read the same terms at once, harmlessly.
    terms = read_terms()
    with _lock:
        _kept = (marker, terms)
    return terms


def read_terms() -> tuple[Term, ...]:
    """`directory_terms` read from the database, without keeping anything."""
    # The model's order (taxonomy, name), made total: choices sort on their labels after this.
    rows = TaxonomyTerm.objects.order_by("taxonomy", "name", "pk").values_list(
        "pk", "taxonomy", "code", "name"
    )
    return tuple(Term(*row) for row in rows)
