"""Template helpers shared by every phase's case pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

register = template.Library()


# The audit log names parts by their codes; people read these instead.
PART_LABELS = {
    "overview": _("Overview"),
    "summary": _("Case header"),
    "screening-summary": _("Concern summary"),
}
NAMESPACE_LABELS = {
    "case": _("Case"),
    "screening": _("Screening"),
    "safety": _("Safety"),
    "reporting": _("Reporting"),
    "referral": _("Referrals"),
    "documentation": _("Notes"),
}


@register.filter
def part_label(code: str) -> str:
    """A readable name for an audit entry's part ("screening", "summary") or timeline event
    kind ("screening.answer_saved" → "Screening: answer saved")."""
    if not code:
        return ""
    tabs = {slug: label for slug, label, _url in settings.HARBOR_CASE_TABS}
    if code in PART_LABELS:
        return str(PART_LABELS[code])
    if code in tabs:
        return str(tabs[code])
    namespace, _dot, rest = code.partition(".")
    if not rest:
        return code.replace("-", " ").replace("_", " ").capitalize()
    area = NAMESPACE_LABELS.get(namespace, namespace.capitalize())
    return f"{area}: {rest.replace('_', ' ').replace('.', ' ')}"
