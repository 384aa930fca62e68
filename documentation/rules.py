"""Pure rules of the note: its template (data), structured injuries, the prefill from what the
case already holds, which prefilled sections a changed case would alter, and the plain EHR text.

No ORM and no request: `documentation.sources` reads the case into a `CaseRecord`, and these
functions turn it into text. A prefill is only ever offered: nothing here overwrites a section.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cases.schemas import ContentInvalid, Problem, check_unique, validate

CONSENT_CHOICES = {
    "not_asked": gettext_lazy("Not asked"),
    "given": gettext_lazy("Given"),
    "declined": gettext_lazy("Declined"),
}


@dataclass(frozen=True)
class Section:
    slug: str
    label: str
    help: str
    prefill: str
    verbatim: bool = False


@dataclass(frozen=True)
class Consent:
    slug: str
    label: str


@dataclass(frozen=True)
class NoteTemplate:
    slug: str
    version: int
    title: str
    source: str
    sections: tuple[Section, ...]
    consents: tuple[Consent, ...]

    @property
    def verbatim_sections(self) -> frozenset[str]:
        return frozenset(section.slug for section in self.sections if section.verbatim)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


PREFILL_SOURCES = frozenset(
    {
        "",
        "presentation",
        "observations",
        "own_words",
        "care_given",
        "reporting",
        "referrals",
        "plan",
    }
)

# The note template is administrator-edited content (`documentation.models.NoteTemplateVersion`
# on the one content pattern); this schema says its shape, `check_note_template` the rest.
NOTE_TEMPLATE_SCHEMA = (
    Path(__file__).resolve().parent / "content" / "schemas" / "note_template.schema.json"
)


def check_note_template(document: Mapping[str, Any]) -> None:
    """What the schema cannot say: section and consent slugs are unique (each names a field of
    every note written on the template), and at most one section holds the patient's words."""
    check_unique(document["sections"], "slug", ("sections",))
    check_unique(document.get("consents", []), "slug", ("consents",))
    verbatim = [i for i, s in enumerate(document["sections"]) if s.get("verbatim")]
    if len(verbatim) > 1:
        raise ContentInvalid(
            [
                Problem(
                    ("sections", verbatim[1], "verbatim"),
                    _("only one section holds the patient's own words"),
                )
            ]
        )


def normalised_template(content: Mapping[str, Any]) -> dict[str, Any]:
    """A valid document with every optional part present, as a stored version returns it, so
    an edit that only fills in a default is no change."""
    return {
        **content,
        "source": content.get("source", ""),
        "translations": content.get("translations") or {},
        "sections": [
            {
                "slug": s["slug"],
                "label": s["label"],
                "help": s.get("help", ""),
                "prefill": s.get("prefill", ""),
                "verbatim": bool(s.get("verbatim", False)),
                "translations": s.get("translations") or {},
            }
            for s in content["sections"]
        ],
        "consents": [
            {"slug": c["slug"], "label": c["label"], "translations": c.get("translations") or {}}
            for c in content.get("consents", [])
        ],
    }


def _translated(row: Mapping[str, Any], language: str, field: str) -> str:
    """A row's text in `language` when it has one, else its own (English) text."""
    text = (row.get("translations") or {}).get(language, {}).get(field, "")
    return str(text).strip() or str(row.get(field, ""))


def note_template(document: Mapping[str, Any], *, language: str = "en") -> NoteTemplate:
    """The frozen template of a validated document, its labels in `language` where written."""
    return NoteTemplate(
        slug=document["slug"],
        version=int(document.get("version") or 1),
        title=_translated(document, language, "title"),
        source=str(document.get("source", "")),
        sections=tuple(
            Section(
                slug=item["slug"],
                label=_translated(item, language, "label"),
                help=_translated(item, language, "help"),
                prefill=item.get("prefill", ""),
                verbatim=bool(item.get("verbatim", False)),
            )
            for item in document["sections"]
        ),
        consents=tuple(
            Consent(slug=item["slug"], label=_translated(item, language, "label"))
            for item in document.get("consents", [])
        ),
    )


def shipped_documents() -> list[dict[str, Any]]:
    """Each template of the shipped file as its own document (the source note on each),
    validated: what the data migration and `load_documentation_content` load."""
    path = files("documentation") / "content" / "note_templates.json"
    shipped = json.loads(path.read_text("utf-8"))
    documents = [{**template, "source": shipped["source"]} for template in shipped["templates"]]
    for document in documents:
        validate(NOTE_TEMPLATE_SCHEMA, document)
        check_note_template(document)
    return documents


@cache
def shipped_templates() -> dict[str, NoteTemplate]:
    """The shipped templates in English, for pure tests (the app reads the stored versions)."""
    return {document["slug"]: note_template(document) for document in shipped_documents()}


# --- Body sites and injuries -------------------------------------------------------------------


@dataclass(frozen=True)
class BodySite:
    slug: str
    label: str
    view: str
    shape: str
    x: int
    y: int
    w: int
    h: int
    # The label in the other interface languages, as (language, label) pairs.
    translations: tuple[tuple[str, str], ...] = ()

    def label_in(self, language: str) -> str:
        return dict(self.translations).get(language, self.label)


@cache
def _body_sites() -> tuple[BodySite, ...]:
    path = files("documentation") / "content" / "body_sites.json"
    return tuple(
        BodySite(**{**site, "translations": tuple(sorted(site.get("translations", {}).items()))})
        for site in json.loads(path.read_text("utf-8"))["sites"]
    )


def body_sites(language: str | None = None) -> tuple[BodySite, ...]:
    """The diagram's regions, labelled in `language` (the active one by default)."""
    return _labelled_sites((language or get_language() or "en").split("-")[0])


@lru_cache(maxsize=16)
def _labelled_sites(language: str) -> tuple[BodySite, ...]:
    # The shipped file never changes while the process runs, and a tab asks for the sites
    # several times (the form's choices, the diagram, each injury's label): label them once
    # per language. The sites are frozen, so every caller can share them.
    return tuple(replace(site, label=site.label_in(language)) for site in _body_sites())


def site_label(slug: str, language: str | None = None) -> str:
    return next((site.label for site in body_sites(language) if site.slug == slug), slug)


class InjuryError(ValueError):
    """An injury entry that cannot be stored; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


INJURY_TEXT_FIELDS = ("colour", "shape", "description")


def parse_injury(data: Mapping[str, str]) -> dict[str, str]:
    """A structured injury (site, length and width in cm, colour, shape, description), or
    InjuryError with a message per field. Sizes are kept as typed decimals, never rounded."""
    errors: dict[str, str] = {}
    site = (data.get("site") or "").strip()
    if site not in {s.slug for s in body_sites()}:
        errors["site"] = _("Choose where the injury is, on the diagram or in the list.")
    sizes = {}
    for name in ("length_cm", "width_cm"):
        raw = (data.get(name) or "").strip().replace(",", ".")
        if not raw:
            sizes[name] = ""
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[name] = _("Give the size in centimetres, e.g. 3 or 2.5.")
            continue
        if not value.is_finite() or value <= 0 or value > 200:
            errors[name] = _("Give a size between 0.1 and 200 cm.")
            continue
        sizes[name] = str(value.normalize()) if value == value.to_integral() else str(value)
    if not sizes.get("length_cm") and "length_cm" not in errors:
        errors["length_cm"] = _("Measure the injury: its length in centimetres.")
    texts = {name: (data.get(name) or "").strip()[:300] for name in INJURY_TEXT_FIELDS}
    if errors:
        raise InjuryError(errors)
    return {"site": site, **sizes, **texts}


def describe_injury(injury: Mapping[str, str]) -> str:
    """ "Left forearm: 3 × 2 cm, oval, purple; swollen" — where, measured, then as described."""
    size = injury.get("length_cm", "")
    if injury.get("width_cm"):
        size = f"{size} × {injury['width_cm']}"
    parts = [f"{size} cm" if size else "", injury.get("shape", ""), injury.get("colour", "")]
    text = f"{site_label(injury['site'])}: {', '.join(p for p in parts if p)}"
    if injury.get("description"):
        text += f"; {injury['description']}"
    return text


# --- What the case holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    question: str
    words: str


@dataclass(frozen=True)
class CapacityFinding:
    decision: str
    outcome: str
    assessed_on: str
    by: str


@dataclass(frozen=True)
class ReportingSummary:
    required: tuple[str, ...]
    needs_consent: tuple[str, ...]
    recorded_on: str


@dataclass(frozen=True)
class DisclosureMade:
    recipient: str
    made_on: str
    patient_informed: bool


@dataclass(frozen=True)
class CaseRecord:
    """What the other phases recorded, read once, as plain values."""

    screened_alone: bool = False
    interpreter: str = ""
    not_screened_reason: str = ""
    signs: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    summaries: tuple[Quote, ...] = ()
    care_done: tuple[str, ...] = ()
    care_open: tuple[str, ...] = ()
    transfer_done: tuple[str, ...] = ()
    declined_help_done: tuple[str, ...] = ()
    forensic_consent_recorded: bool = False
    capacity: CapacityFinding | None = None
    reporting: ReportingSummary | None = None
    disclosures: tuple[DisclosureMade, ...] = ()
    referrals: tuple[str, ...] = ()
    next_follow_up: str = ""
    contact_summary: str = ""


def _lines(items: Sequence[str], prefix: str = "- ") -> str:
    return "\n".join(f"{prefix}{item}" for item in items)


def prefill_sections(record: CaseRecord) -> dict[str, str]:
    """The text each prefill source offers for this case; an empty string when it holds
    nothing. The patient's words are quoted and attributed, never paraphrased."""
    presentation = []
    if record.not_screened_reason:
        presentation.append(
            _("Screening conversation not held: %(reason)s.")
            % {"reason": record.not_screened_reason}
        )
    elif record.screened_alone and record.interpreter:
        presentation.append(
            _(
                "Conversation held with the patient alone, with a professional interpreter "
                "(%(how)s)."
            )
            % {"how": record.interpreter}
        )
    elif record.screened_alone:
        presentation.append(_("Conversation held with the patient alone."))
    if record.summaries:
        presentation.append(_("Clinician's summary of the conversation (not the patient's words):"))
        presentation.append(_lines([f"{q.question} — {q.words}" for q in record.summaries]))

    observations = _lines(record.signs) if record.signs else ""
    own_words = "\n".join(
        _("Patient states: “%(words)s” (asked: %(question)s)")
        % {"words": q.words, "question": q.question}
        for q in record.quotes
    )
    care = []
    if record.care_done:
        care.append(_lines(record.care_done))
    if record.forensic_consent_recorded:
        care.append(_("Forensic evidence collected with the patient's recorded consent."))

    reporting = []
    if record.capacity:
        reporting.append(
            _("Capacity for “%(decision)s”: %(outcome)s (assessed %(on)s by %(by)s).")
            % {
                "decision": record.capacity.decision,
                "outcome": record.capacity.outcome,
                "on": record.capacity.assessed_on,
                "by": record.capacity.by,
            }
        )
    if record.reporting:
        required = ", ".join(record.reporting.required) or _("none")
        reporting.append(
            _("Reporting decision recorded %(on)s. Required: %(required)s.")
            % {"on": record.reporting.recorded_on, "required": required}
        )
        if record.reporting.needs_consent:
            reporting.append(
                _("With the patient's consent only: %(list)s.")
                % {"list": ", ".join(record.reporting.needs_consent)}
            )
    for made in record.disclosures:
        informed = _("patient informed") if made.patient_informed else _("patient not informed")
        reporting.append(
            _("Report made to %(to)s on %(on)s (%(informed)s).")
            % {"to": made.recipient, "on": made.made_on, "informed": informed}
        )

    plan = []
    if record.transfer_done:
        plan.append(_lines(record.transfer_done))
    if record.declined_help_done:
        plan.append(_("The patient declined help; done:"))
        plan.append(_lines(record.declined_help_done))
    if record.care_open:
        plan.append(_("Still to do:"))
        plan.append(_lines(record.care_open))
    if record.next_follow_up:
        plan.append(_("Follow-up visit: %(on)s.") % {"on": record.next_follow_up})
    if record.contact_summary:
        plan.append(_("Safe contact: %(how)s.") % {"how": record.contact_summary})

    return {
        "": "",
        "presentation": "\n".join(presentation),
        "observations": observations,
        "own_words": own_words,
        "care_given": "\n".join(care),
        "reporting": "\n".join(reporting),
        "referrals": _lines(record.referrals) if record.referrals else "",
        "plan": "\n".join(plan),
    }


def prefill_for(template: NoteTemplate, record: CaseRecord) -> dict[str, str]:
    """Section slug → the prefill its source offers now."""
    offered = prefill_sections(record)
    return {section.slug: offered[section.prefill] for section in template.sections}


def changed_sources(basis: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """The sections whose source now offers something other than what the clinician last saw
    (the prefill they started from, or last accepted or set aside), with the new offer."""
    return {
        slug: text for slug, text in current.items() if text.strip() and text != basis.get(slug, "")
    }


def merge_offer(current_text: str, offer: str, *, how: str) -> str:
    """Apply an offer the clinician chose: replace the section, or add to its end."""
    if how == "replace":
        return offer
    if how == "append":
        return f"{current_text.rstrip()}\n{offer}".strip()
    raise ValueError(f"Unknown way to apply an offer: {how!r}")


# --- The plain EHR text ------------------------------------------------------------------------


@dataclass(frozen=True)
class AddendumText:
    by: str
    at: str
    text: str


@dataclass(frozen=True)
class NoteText:
    template: NoteTemplate
    sections: Mapping[str, str]
    consents: Mapping[str, str]
    injuries: Sequence[Mapping[str, str]]
    codes: Sequence[str]
    sensitive_codes: tuple[str, ...]
    sensitive_reason: str
    status_line: str
    addenda: Sequence[AddendumText] = ()


def ehr_text(note: NoteText) -> str:
    """The note as plain text for pasting into the EHR. A sensitive note says so on its first
    line, so the restriction travels with the text wherever it is pasted."""
    lines: list[str] = []
    if note.sensitive_codes:
        lines.append(
            _(
                "RESTRICTED — sensitive (%(codes)s). Do not release to a patient portal or an "
                "after-visit summary. Reason: %(reason)s"
            )
            % {"codes": "/".join(note.sensitive_codes), "reason": note.sensitive_reason}
        )
        lines.append("")
    lines.append(f"{note.template.title} — {note.status_line}")
    for section in note.template.sections:
        text = (note.sections.get(section.slug) or "").strip()
        if section.slug == "observations" and note.injuries:
            injuries = _lines([describe_injury(i) for i in note.injuries])
            text = f"{text}\n{_('Injuries:')}\n{injuries}".strip()
        if not text:
            continue
        lines += ["", f"{section.label}:", text]
    if note.template.consents:
        lines += ["", _("Consents:")]
        for consent in note.template.consents:
            choice = note.consents.get(consent.slug, "not_asked")
            lines.append(f"- {consent.label}: {CONSENT_CHOICES.get(choice, choice)}")
    if note.codes:
        lines += [
            "",
            _("ICD-10-CM (chosen by the clinician): %(codes)s") % {"codes": ", ".join(note.codes)},
        ]
    for addendum in note.addenda:
        lines += ["", _("Addendum by %(by)s, %(at)s:") % {"by": addendum.by, "at": addendum.at}]
        lines.append(addendum.text)
    return "\n".join(lines).strip() + "\n"
