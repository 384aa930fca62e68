"""The administrators' editors of the Notes tab's content: the note templates and the
language check's word list (the one content pattern, `cases.editing`)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.content import require_administrator
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from documentation import actions, language
from documentation.forms import NoteTemplateEditor, WordListEditor, other_languages
from documentation.models import NoteTemplateVersion, WordListVersion


@require_GET
def admin_note_templates(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    actions.current_template()  # the shipped one, on a database that has none yet
    newest = (
        NoteTemplateVersion.objects.filter(slug=OuterRef("slug"))
        .order_by("-version")
        .values("pk")[:1]
    )
    templates = NoteTemplateVersion.objects.filter(pk=Subquery(newest)).select_related("created_by")
    counts = dict(
        NoteTemplateVersion.objects.values_list("slug").annotate(n=Count("pk")).order_by()
    )
    rows = [(template, counts.get(template.slug, 1)) for template in templates.order_by("slug")]
    return render(request, "documentation/admin_note_templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def admin_note_template(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A note template's sections and consents, each save a new version; notes already
    started keep the version they started on."""
    require_administrator(request)
    newest = NoteTemplateVersion.objects.newest(slug)
    if newest is None:
        raise Http404(_("No such note template."))
    return edit_content(
        request,
        newest,
        NoteTemplateEditor,
        template="documentation/admin_note_template.html",
        done=reverse("documentation:admin-note-template", args=[slug]),
        context={"languages": other_languages()},
    )


@require_http_methods(["GET", "POST"])
def admin_word_list(request: HtmxHttpRequest) -> HttpResponse:
    """The language check's word list, entry by entry; each save a new version, used by every
    check from then on (the check only ever suggests, so nothing written before changes)."""
    require_administrator(request)
    actions.current_word_list()  # the shipped list, on a database that has none yet
    newest = WordListVersion.objects.newest(language.WORD_LIST_SLUG)
    if newest is None:  # only if the shipped list could not be stored
        raise Http404(_("No word list."))
    return edit_content(
        request,
        newest,
        WordListEditor,
        template="documentation/admin_word_list.html",
        done=reverse("documentation:admin-word-list"),
        context={"languages": settings.LANGUAGES},
    )
