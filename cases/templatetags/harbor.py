"""Template helpers shared by every phase's case pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.timeline import kind_label

register = template.Library()


# The audit log names parts by their codes; people read these instead.
PART_LABELS = {
    "overview": _("Overview"),
    "summary": _("Case header"),
    "screening-summary": _("Concern summary"),
}


@register.filter
def part_label(code: str) -> str:
    """A readable name for an audit entry's part ("screening", "summary") or timeline event
    kind ("screening.answer_saved" → "Answer saved"), in the active language."""
    if not code:
        return ""
    tabs = {slug: label for slug, label, _url in settings.HARBOR_CASE_TABS}
    if code in PART_LABELS:
        return str(PART_LABELS[code])
    if code in tabs:
        return str(tabs[code])
    if "." not in code:
        return code.replace("-", " ").replace("_", " ").capitalize()
    # The timeline's own short name for the kind ("Case opened", "Answer saved").
    return kind_label(code) or code
