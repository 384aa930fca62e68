"""Which language a piece of content shows in, for templates (`cases.languages` decides).

{% load languages %}
{{ question|tr:"text" }}                       clinician-facing: the interface language
{% patient_view item "patient_text" case=case reviewed=gate_reviewed as shown %}
<p lang="{{ shown.patient.language }}">{{ shown.patient }}</p>
{% include "cases/patient_text_notes.html" %}  the language notes, the provenance mark
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import get_language

from cases import languages
from cases.translations import DEFAULT_LANGUAGES, language_name

register = template.Library()


@register.filter
def tr(item: Any, field: str) -> Any:
    """`item`'s `field` in the interface language, else English."""
    return languages.translated(item, field, get_language()).text


@dataclass(frozen=True)
class ShownToPatient:
    """A patient-facing text as the clinician's screen shows it (see `patient_text_notes`)."""

    patient: languages.Shown
    beside: languages.Shown | None
    missing: bool
    wanted_name: str
    shown_name: str
    beside_name: str
    unreviewed: bool


@register.simple_tag
def patient_view(
    item: Any, field: str, *, case: Any, reviewed: Collection[str] = ()
) -> ShownToPatient:
    """What the patient reads (the case's preferred language, else the best Harbor has), the
    same text in the clinician's language beside it, and whether the shown translation is
    still unreviewed (`reviewed`: the languages a qualified translator reviewed)."""
    interface = get_language() or languages.SOURCE_LANGUAGE
    view = languages.patient_view(item, field, patient=case.preferred_language, interface=interface)
    names = dict(DEFAULT_LANGUAGES)
    shown = view.patient.language
    return ShownToPatient(
        patient=view.patient,
        beside=view.beside,
        missing=view.missing,
        wanted_name=case.get_preferred_language_display(),
        shown_name=language_name(shown, names),
        beside_name=language_name(view.beside.language, names) if view.beside else "",
        unreviewed=shown != languages.SOURCE_LANGUAGE and shown not in set(reviewed),
    )
