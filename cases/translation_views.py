"""Content languages (administrators): which translations exist, how complete, and their
provenance; marking one reviewed, adding a language. Case contents are never shown here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import languages
from cases.content import ContentInvalid, StaleVersion, require_administrator, save_version
from cases.http import HtmxHttpRequest
from cases.params import whole_number
from cases.translations import (
    LANGUAGES_SLUG,
    ContentLanguages,
    TranslationReview,
    language_name,
    mark_reviewed,
    model_named,
    offered_languages,
    reviews_of,
    texts,
    translatable_models,
)


@dataclass(frozen=True)
class Cell:
    language: str
    name: str
    missing: int
    review: TranslationReview | None
    present: bool


@dataclass(frozen=True)
class Document:
    kind: str
    label: str
    slug: str
    version: int
    patient_facing: bool
    total: int
    cells: list[Cell]


class AddLanguageForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Language code (BCP-47, e.g. pt or fr-CA)"), max_length=35
    )
    name = forms.CharField(label=gettext_lazy("Name, in that language"), max_length=80)
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not languages.is_language_tag(code):
            raise forms.ValidationError(_("Write a language code such as pt, fr-CA or zh-Hant."))
        return code


def _documents(offered: dict[str, str]) -> list[Document]:
    documents = []
    for model in translatable_models():
        for row in model.for_content(model._default_manager.published()).order_by("slug"):  # type: ignore[attr-defined]
            found = texts(row)
            reviews = reviews_of(row, found)
            present = languages.languages_in(found)
            shown = [code for code in offered if code != languages.SOURCE_LANGUAGE]
            shown += [code for code in present if code not in shown]
            documents.append(
                Document(
                    kind=model.AUDIT_NAME,
                    label=str(model.LABEL),
                    slug=row.slug,
                    version=row.version,
                    patient_facing=bool(model.PATIENT_TEXTS),
                    total=len(found),
                    cells=[
                        Cell(
                            language=code,
                            name=language_name(code, offered),
                            missing=len(languages.missing_in(found, code)),
                            review=reviews.get(code),
                            present=code in present,
                        )
                        for code in shown
                    ],
                )
            )
    return documents


@require_GET
def content_languages(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    return _page(request)


def _page(request: HtmxHttpRequest, form: AddLanguageForm | None = None) -> HttpResponse:
    offered = dict(offered_languages())
    newest = ContentLanguages.objects.newest(LANGUAGES_SLUG)
    context: dict[str, Any] = {
        "documents": _documents(offered),
        "offered": list(offered.items()),
        "form": form or AddLanguageForm(initial={"base_version": newest.version if newest else 0}),
    }
    return render(request, "cases/content_languages.html", context, status=400 if form else 200)


@require_POST
def mark_translation_reviewed(request: HtmxHttpRequest) -> HttpResponse:
    """Mark one language of the published version of one document reviewed (audited)."""
    require_administrator(request)
    model = next(
        (m for m in translatable_models() if m.AUDIT_NAME == request.POST.get("kind")), None
    )
    version = whole_number(request.POST.get("version", ""))
    if model is None or version is None:
        raise Http404(_("No such content."))
    row = (
        model.for_content(
            model._default_manager.filter(slug=request.POST.get("slug", ""), version=version)
        )
        .filter(published=True)
        .first()
    )
    if row is None:
        raise Http404(_("No such content version."))
    try:
        mark_reviewed(row, request.POST.get("language", ""), by=request.user)
    except ContentInvalid as invalid:
        messages.error(request, "; ".join(p.message for p in invalid.problems))
        return redirect("cases:content-languages")
    messages.success(request, _("Marked reviewed."))
    return redirect("cases:content-languages")


@require_POST
def add_content_language(request: HtmxHttpRequest) -> HttpResponse:
    """Add a language a case may prefer (a new version of the languages list)."""
    require_administrator(request)
    form = AddLanguageForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    current = ContentLanguages.objects.newest(LANGUAGES_SLUG)
    entries = list(current.document["languages"]) if current else []
    if form.cleaned_data["code"] in {entry["code"] for entry in entries}:
        form.add_error("code", _("This language is already listed."))
        return _page(request, form)
    entries.append({"code": form.cleaned_data["code"], "name": form.cleaned_data["name"]})
    document = {**(current.document if current else {}), "languages": entries}
    try:
        save_version(
            ContentLanguages,
            LANGUAGES_SLUG,
            document,
            base_version=form.cleaned_data["base_version"],
            by=request.user,
            note=_("Added %(code)s") % {"code": form.cleaned_data["code"]},
        )
    except StaleVersion as stale:
        form.add_error(
            None,
            _("Someone changed the list meanwhile (now version %(version)s): look and try again.")
            % {"version": stale.current.version},
        )
        data = request.POST.copy()
        data["base_version"] = str(stale.current.version)
        form.data = data
        return _page(request, form)
    except ContentInvalid as invalid:
        form.add_error(None, "; ".join(str(p) for p in invalid.problems))
        return _page(request, form)
    messages.success(request, _("Language added. Write its texts in each document below."))
    return redirect("cases:content-languages")


@dataclass(frozen=True)
class TextField:
    """One text to translate on the editor: its English and the box for its translation."""

    name: str  # the form field's name (the text's key, with the map key for a map field)
    source: str
    value: str


def _fields(found: list[languages.Text], language: str, data: Any = None) -> list[TextField]:
    fields: list[TextField] = []
    for text in found:
        in_language: Any = next(
            (v for k, v in text.translations.items() if k.lower() == language.lower()), {}
        )
        current = in_language.get(text.field)
        if isinstance(text.source, dict):
            for key, source in text.source.items():
                name = f"{text.key}.{key}"
                stored = current.get(key, "") if isinstance(current, dict) else ""
                fields.append(TextField(name, source, data.get(name, "") if data else stored))
        else:
            stored = current if isinstance(current, str) else ""
            fields.append(
                TextField(text.key, str(text.source), data.get(text.key, "") if data else stored)
            )
    return fields


def _values(found: list[languages.Text], data: Any) -> dict[str, Any]:
    """The posted translations by text key (a map field's keys gathered into one map)."""
    values: dict[str, Any] = {}
    for text in found:
        if isinstance(text.source, dict):
            typed = {k: data.get(f"{text.key}.{k}", "").strip() for k in text.source}
            values[text.key] = {k: v for k, v in typed.items() if v}
        else:
            values[text.key] = data.get(text.key, "").strip()
    return values


@require_http_methods(["GET", "POST"])
def translate_content(
    request: HtmxHttpRequest, kind: str, slug: str, language: str
) -> HttpResponse:
    """Write one language of one content document beside its English; saving makes the next
    version (`save_version`, audited), refused when someone saved first, with the input kept."""
    require_administrator(request)
    model = model_named(kind)
    offered = dict(offered_languages())
    if model is None or language not in offered or language == languages.SOURCE_LANGUAGE:
        raise Http404(_("No such content or language."))
    row = model.for_content(model._default_manager.published().filter(slug=slug)).first()  # type: ignore[attr-defined]
    if row is None:
        raise Http404(_("No such content."))
    document = row.as_content()
    found = languages.texts_of(document, model.TEXTS)
    problem = ""
    status = 200
    data = request.POST if request.method == "POST" else None
    if data is not None:
        base = whole_number(data.get("base_version", ""))
        translated = languages.with_translation(
            document, model.TEXTS, language, _values(found, data)
        )
        try:
            save_version(
                model,
                slug,
                translated,
                base_version=base,
                by=request.user,
                note=_("Translation into %(language)s") % {"language": language},
            )
        except StaleVersion as stale:
            problem = _(
                "Someone saved version %(version)s meanwhile: your text is kept below; save "
                "again to replace theirs."
            ) % {"version": stale.current.version}
            status = 409
        except ContentInvalid as invalid:
            problem = "; ".join(str(p) for p in invalid.problems)
            status = 400
        else:
            messages.success(request, _("Translation saved as a new version."))
            return redirect("cases:content-languages")
    newest = model._default_manager.newest(slug)  # type: ignore[attr-defined]
    context = {
        "label": str(model.LABEL),
        "slug": slug,
        "language": language,
        "language_name": language_name(language, offered),
        "fields": _fields(found, language, data),
        # After a refusal: the version now saved, so saving again replaces it knowingly.
        "base_version": newest.version if newest else 0,
        "problem": problem,
    }
    return render(request, "cases/translate_content.html", context, status=status)
