"""The hotlines are kept per process while the directory stays the same, and every change to the
directory (an edit, a verification, a retirement, an import, a plain UPDATE) is read at once.

The directory's version marker (referrals.directory_version) is kept by database triggers. Tests
that need a committed directory (as a server has) use a transactional database: on PostgreSQL a
transaction that has written to the directory reads it afresh every time, so inside the usual
per-test transaction nothing is kept and only "a change is seen" can be shown.
"""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from cases.models import Facility, Role
from referrals import actions, hsds, hsds_import
from referrals.directory_version import directory_version
from referrals.hotlines import hotlines_for, read_hotlines
from referrals.models import Phone, Service
from tests.conftest import make_user

US_LINE = "National Human Trafficking Hotline (US)"
CA_LINE = "Canadian Human Trafficking Hotline"


def names(lines) -> list[str]:
    return [line.full_name for line in lines]


def load_directory() -> None:
    call_command("load_referrals_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def committed_directory(transactional_db):
    load_directory()


@pytest.fixture
def administrator(transactional_db):
    facility = Facility.objects.create(name="Kept General", jurisdiction="CA-ON")
    return make_user("kept-admin", facility, [Role.ADMINISTRATOR], [])


def newest_version(service: Service) -> int:
    return actions.entry_version(service).version


def test_a_change_in_the_same_transaction_is_seen_at_once(directory):
    assert US_LINE in names(hotlines_for(jurisdiction="US-NY"))
    Service.objects.filter(name=US_LINE).update(status=Service.Status.DEFUNCT)
    assert US_LINE not in names(hotlines_for(jurisdiction="US-NY"))
    Phone.objects.filter(service__name=CA_LINE, type="voice").update(number="1-800-555-0100")
    assert hotlines_for(jurisdiction="CA-ON")[0].phone == "1-800-555-0100"


def test_what_is_kept_is_what_the_directory_says(committed_directory):
    for jurisdiction in ("CA-ON", "US-TX", "US-NY", "GB"):
        for language in ("en", "es", "fr"):
            fresh = list(read_hotlines(jurisdiction=jurisdiction, language=language))
            assert hotlines_for(jurisdiction=jurisdiction, language=language) == fresh
            assert hotlines_for(jurisdiction=jurisdiction, language=language) == fresh


def test_lines_are_read_in_one_query_while_the_directory_stays_the_same(
    committed_directory, django_assert_num_queries
):
    first = hotlines_for(jurisdiction="US-NY", language="es")
    with django_assert_num_queries(1):
        assert hotlines_for(jurisdiction="US-NY", language="es") == first
    # The caller's list is its own: changing it changes nothing kept.
    first.clear()
    assert len(hotlines_for(jurisdiction="US-NY", language="es")) >= 5


def test_every_directory_write_changes_the_marker(committed_directory, administrator):
    service = Service.objects.get(name=CA_LINE)
    seen = {directory_version()}
    assert None not in seen

    actions.verify_service(
        service, base_version=newest_version(service), on=date(2026, 1, 5), by=administrator
    )
    seen.add(directory_version())
    assert len(seen) == 2

    hsds_import.commit_import(export_one(service), by=None)
    seen.add(directory_version())
    assert len(seen) == 3

    Phone.objects.filter(service=service).update(number="1-800-555-0199")
    seen.add(directory_version())
    assert len(seen) == 4 and None not in seen


def export_one(service: Service) -> str:
    document = hsds.export_service(Service.objects.get(pk=service.pk))
    document["description"] = "Changed by an import."
    return json.dumps(document)


def test_a_retirement_is_seen_by_the_next_read(committed_directory, administrator):
    assert names(hotlines_for(jurisdiction="CA-ON"))[0] == CA_LINE
    service = Service.objects.get(name=CA_LINE)
    actions.set_service_status(
        service, Service.Status.DEFUNCT, base_version=newest_version(service), by=administrator
    )
    assert CA_LINE not in names(hotlines_for(jurisdiction="CA-ON"))
    service.refresh_from_db()
    actions.set_service_status(
        service, Service.Status.ACTIVE, base_version=newest_version(service), by=administrator
    )
    assert names(hotlines_for(jurisdiction="CA-ON"))[0] == CA_LINE


def test_a_change_rolled_back_leaves_the_lines_as_they_were(committed_directory):
    before = hotlines_for(jurisdiction="CA-ON")
    marker = directory_version()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Phone.objects.filter(service__name=CA_LINE, type="voice").update(number="1-800-555-0111")
        assert hotlines_for(jurisdiction="CA-ON")[0].phone == "1-800-555-0111"
        raise Undo
    assert directory_version() == marker
    assert hotlines_for(jurisdiction="CA-ON") == before


def test_a_change_committed_by_another_connection_is_seen(committed_directory):
    assert hotlines_for(jurisdiction="CA-ON")[0].phone != "1-800-555-0122"

    def other_worker() -> None:
        try:
            Phone.objects.filter(service__name=CA_LINE, type="voice").update(
                number="1-800-555-0122"
            )
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_worker)
    worker.start()
    worker.join()
    assert hotlines_for(jurisdiction="CA-ON")[0].phone == "1-800-555-0122"


def test_threads_reading_at_once_get_the_same_lines(committed_directory):
    expected = list(read_hotlines(jurisdiction="US-TX", language="es"))
    results: list[list] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(5):
                results.append(hotlines_for(jurisdiction="US-TX", language="es"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 20 and all(lines == expected for lines in results)
