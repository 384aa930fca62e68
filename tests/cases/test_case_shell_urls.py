"""The case shell's tab and action URLs are reversed once per URL name and script prefix
(cases.shell.case_url): the same as reverse() gives for each case, under another prefix too."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse, set_script_prefix

from cases.shell import case_tabs, case_url


def test_the_shell_urls_are_those_reverse_gives(case):
    names = ["cases:case-detail", *(name for _s, _l, name in settings.HARBOR_CASE_TABS)]
    names += [name for _l, name, _c in settings.HARBOR_CASE_ACTIONS]
    try:
        for prefix in ["/", "/harbor/"]:
            set_script_prefix(prefix)
            for name in names:
                expected = reverse(name, kwargs={"case_ref": case.ref})
                assert case_url(name, case.ref) == expected
                assert expected.startswith(prefix)
            assert [tab.url for tab in case_tabs(case)][1:] == [
                reverse(name, kwargs={"case_ref": case.ref})
                for _s, _l, name in settings.HARBOR_CASE_TABS
            ]
    finally:
        set_script_prefix("/")
