"""Parts written once and kept: an editor's rows per stored version (`{% per_version %}`), the
empty capacity form (`{% per_language %}`), a checklist item's buttons. The page from what is
kept is the page written afresh, in the reader's language; a new version, a refused edit or
another language never shows a part kept for something else."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safety.models import ChecklistTemplate
from safety.templatetags import safety_fields
from tests.safety.test_checklist_item_editor import current, item_post


def editor(kind: str) -> str:
    if kind == "checklist":
        return reverse("safety:admin-checklist", args=["safety-protocol"])
    return reverse("safety:admin-jurisdiction", args=["CA-ON"])


def page(client, url: str, **headers) -> str:
    html = client.get(url, **headers).content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture(autouse=True)
def nothing_kept():
    safety_fields._PARTS.clear()
    yield
    safety_fields._PARTS.clear()


@pytest.mark.parametrize("kind", ["checklist", "jurisdiction"])
def test_the_kept_rows_are_the_rows_written_afresh(personas, content, kind):
    client = personas.client_for("administrator")
    fresh = page(client, editor(kind))
    assert safety_fields._PARTS, "the rows and the JSON are kept after the first page"
    assert page(client, editor(kind)) == fresh
    safety_fields._PARTS.clear()
    assert page(client, editor(kind)) == fresh


@pytest.mark.parametrize("kind", ["checklist", "jurisdiction"])
def test_french_rows_after_english_ones_are_french(personas, content, kind):
    client = personas.client_for("administrator")
    english = page(client, editor(kind))
    french = page(client, editor(kind), HTTP_ACCEPT_LANGUAGE="fr")
    star = '<span class="asteriskField">*</span>'  # a row's required field's label
    label = f">Élément{star}" if kind == "checklist" else f">Fondement juridique (référence){star}"
    english_label = f">Item{star}" if kind == "checklist" else f">Legal basis (citation){star}"
    assert label in french and label not in english
    assert english_label in english and english_label not in french
    safety_fields._PARTS.clear()
    assert page(client, editor(kind), HTTP_ACCEPT_LANGUAGE="fr") == french


def test_a_new_version_shows_its_own_rows(personas, content):
    client = personas.client_for("administrator")
    assert 'value="Call a code grey' not in page(client, editor("checklist"))
    new = {"text": "Call a code grey if anyone is threatening.", "ORDER": 9, "section": ""}
    assert client.post(editor("checklist"), item_post(current(), extra=[new])).status_code == 302
    html = page(client, editor("checklist"))
    assert 'value="Call a code grey if anyone is threatening."' in html  # its row
    assert '"text": "Call a code grey if anyone is threatening."' in html.replace("&quot;", '"')
    version_1 = page(client, editor("checklist") + "?version=1")
    assert 'value="Call a code grey' not in version_1


def test_a_refused_edit_shows_what_was_typed_not_the_kept_rows(personas, content):
    client = personas.client_for("administrator")
    page(client, editor("checklist"))  # the saved rows are kept
    items = current()
    items[0]["text"] = ""  # an item needs its text
    items[1]["text"] = "Typed but not saved."
    response = client.post(editor("checklist"), item_post(items))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Typed but not saved." in html
    assert ChecklistTemplate.objects.filter(slug="safety-protocol").count() == 1
    assert "Typed but not saved." not in page(client, editor("checklist"))


def capacity_form(html: str) -> str:
    return html.split('id="reassess"')[1].split("</form>")[0]


def test_the_capacity_form_kept_is_the_form_written_afresh_in_each_language(
    personas, case, content
):
    client = personas.client_for("clinician")
    url = reverse("safety:case-reporting", args=[case.ref])
    english = capacity_form(page(client, url))
    french = capacity_form(page(client, url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Decision being assessed" in english and "Decision being assessed" not in french
    safety_fields._PARTS.clear()
    assert capacity_form(page(client, url, HTTP_ACCEPT_LANGUAGE="fr")) == french
    assert capacity_form(page(client, url)) == english


def test_a_refused_assessment_shows_what_was_typed_not_the_kept_form(personas, case, content):
    client = personas.client_for("clinician")
    page(client, reverse("safety:case-reporting", args=[case.ref]))  # the empty form is kept
    data = {"decision": "Typed: whether to call the police", "understand": "present"}
    response = client.post(reverse("safety:assess-capacity", args=[case.ref]), data)
    form = capacity_form(response.content.decode())
    assert 'value="Typed: whether to call the police"' in form
    assert "Write the evidence for this finding." in form


def test_checklist_buttons_kept_are_the_buttons_written_afresh_in_each_language(
    personas, case, content
):
    from safety.templatetags import safety_checklists

    client = personas.client_for("clinician")
    url = reverse("safety:case-care", args=[case.ref])
    safety_checklists._BUTTONS.clear()
    english = page(client, url)
    french = page(client, url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Mark done" in english and "Marquer comme fait" not in english
    assert "Marquer comme fait" in french and "Mark done" not in french
    safety_checklists._BUTTONS.clear()
    assert page(client, url, HTTP_ACCEPT_LANGUAGE="fr") == french
    assert page(client, url) == english
