"""Bad input the probe sent, each once a 500: now a 4xx with a message, and nothing stored.

These matter most on PostgreSQL (CI runs them there), which refuses NUL characters and
integers past 2**63 where SQLite would quietly accept them.
"""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import get_resolver, reverse

from cases.models import Facility
from cases.params import whole_number
from screening import actions as screening_actions
from screening.models import Answer, Instrument, InstrumentResponse, QuestionBank
from tests.cases.test_sign_in_required import walk
from tests.screening.conftest import answer_post

pytestmark = pytest.mark.django_db

CASE_ROUTES = sorted(
    route for _, route in set(walk(get_resolver().url_patterns)) if "case_ref" in route
)


def with_ref(route: str, ref: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):case_ref>", ref, route)
    return "/" + route.replace("\\", "")


@pytest.fixture
def screening_content(db) -> None:
    call_command("load_screening_content", stdout=StringIO())


@pytest.fixture
def started(personas, case, screening_content):
    return screening_actions.start_screening(
        case,
        screening_actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )


def test_every_case_url_is_covered():
    assert len(CASE_ROUTES) >= 20  # the walk found the phases' case URLs, not just cases'


@pytest.mark.parametrize("ref", ["abcde\x00fghjk", "\x00", "a" * 5000, "abcde-fghjk%00"])
@pytest.mark.parametrize("route", CASE_ROUTES)
def test_a_malformed_case_reference_is_not_found_on_every_case_url(personas, case, route, ref):
    client = personas.client_for("supervisor")
    client.raise_request_exception = False
    url = with_ref(route, ref)
    assert client.get(url).status_code in {404, 405}, url
    assert client.post(url).status_code in {404, 405}, url


@pytest.mark.parametrize("text", ["²", "٣", "1" * 40, "-1", "1.0", ""])
def test_whole_number_accepts_ascii_digits_within_range_only(text):
    assert whole_number(text) is None


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("7", 7), ("2147483647", 2**31 - 1)])
def test_whole_number_reads_ascii_digits(text, value):
    assert whole_number(text) == value


def test_a_unicode_digit_version_of_a_rule_table_is_not_found(personas):
    call_command("load_safety_content", stdout=StringIO())
    client = personas.client_for("administrator")
    for version in ("²", "1" * 30):
        url = reverse("safety:admin-jurisdiction", args=["CA-ON"]) + f"?version={version}"
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("overwrite", ["²", "٣", "9" * 30])
def test_a_unicode_digit_overwrite_is_a_bad_request_and_saves_nothing(
    personas, case, started, overwrite
):
    answer = Answer.objects.filter(screening=started).first()
    client = personas.client_for("clinician")
    client.raise_request_exception = False
    response = client.post(
        reverse("screening:save-answer", args=[case.ref, answer.pk]),
        answer_post(answer, status="answered", note="kept", overwrite=overwrite),
    )
    assert response.status_code == 400
    assert "could not read the request" in response.content.decode()
    answer.refresh_from_db()
    assert (answer.status, answer.version) == (Answer.Status.NOT_ASKED, 1)


def test_an_instrument_response_naming_a_version_that_does_not_exist_is_refused(
    personas, case, started
):
    instrument = Instrument.objects.published().for_age(case.age_years).get()
    prefix = f"instrument-{instrument.pk}"
    data = {f"{prefix}-{item['slug']}": "yes" for item in instrument.items}
    response = personas.client_for("clinician").post(
        reverse("screening:save-instrument", args=[case.ref, instrument.pk]),
        {**data, f"{prefix}-version": "3"},
    )
    assert response.status_code == 409
    assert "refer to a saved version that does not exist" in response.content.decode()
    assert not InstrumentResponse.objects.exists()


def upload(client, payload: bytes):
    return client.post(
        reverse("screening:import-content"),
        {"kind": "bank", "file": SimpleUploadedFile("q.json", payload, "application/json")},
    )


def exported_bank(client) -> dict:
    bank = QuestionBank.objects.get()
    return json.loads(client.get(reverse("screening:export-bank", args=[bank.pk])).content)


def test_a_nul_character_in_an_imported_questionnaire_is_refused(personas, screening_content):
    client = personas.client_for("administrator")
    resource = exported_bank(client)
    resource["version"] = "99"
    resource["title"] = "Bank\u0000"
    before = QuestionBank.objects.count()
    response = upload(client, json.dumps(resource).encode())
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert QuestionBank.objects.count() == before


def test_a_fhir_version_of_ten_to_the_thirty_is_refused(personas, screening_content):
    client = personas.client_for("administrator")
    resource = exported_bank(client)
    resource["version"] = str(10**30)
    response = upload(client, json.dumps(resource).encode())
    assert response.status_code == 400
    assert "must be a whole number" in response.content.decode()


def test_a_ten_thousand_question_bank_is_refused(personas, screening_content):
    client = personas.client_for("administrator")
    resource = exported_bank(client)
    resource["version"] = "99"
    group = resource["item"][0]
    # Without its translations, so the file stays under the upload limit and the list limit
    # is what refuses it.
    question = {k: v for k, v in group["item"][0].items() if k != "_text"}
    group["item"] = [{**question, "linkId": f"{group['linkId']}.q{i}"} for i in range(10_000)]
    before = QuestionBank.objects.count()
    response = upload(client, json.dumps(resource).encode())
    assert response.status_code == 400
    assert "more than" in response.content.decode()
    assert QuestionBank.objects.count() == before


def test_a_nul_character_in_edited_json_is_a_form_error(personas):
    from safety.models import Jurisdiction

    call_command("load_safety_content", stdout=StringIO())
    newest = Jurisdiction.objects.newest("CA-ON")
    response = personas.client_for("administrator").post(
        reverse("safety:admin-jurisdiction", args=["CA-ON"]),
        {"entry": '{"name": "Ontario\\u0000"}', "note": "test", "base_version": newest.version},
    )
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert Jurisdiction.objects.newest("CA-ON") == newest


def test_a_megabyte_name_is_refused_with_a_message(personas):
    client = personas.client_for("administrator")
    facility = personas.facility
    response = client.post(
        reverse("cases:facility-settings"),
        {
            "name": "x" * 1_000_000,
            "jurisdiction": "CA-ON",
            "security_phone": "",
            "emergency_phone": "911",
            "version": facility.version,
        },
    )
    assert response.status_code == 413
    assert "Not saved: too much text" in response.content.decode()
    assert Facility.objects.get(pk=facility.pk).name == "Test General"


def test_a_name_just_over_its_field_limit_is_a_form_error(personas):
    response = personas.client_for("administrator").post(
        reverse("cases:facility-settings"),
        {"name": "x" * 201, "jurisdiction": "CA-ON", "emergency_phone": "911", "version": 1},
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
