"""The loader puts the shipped content in the database, and running it twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from screening.models import Indicator, IndicatorSet, Instrument, Question, QuestionBank, Theme


def load() -> str:
    out = io.StringIO()
    call_command("load_screening_content", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loader_loads_the_seed_bank_checklist_and_demo_instrument():
    output = load()
    bank = QuestionBank.objects.get()
    assert (bank.slug, bank.version, bank.published) == ("conversation-guide", 1, True)
    assert Theme.objects.filter(bank=bank).count() == 6
    assert Question.objects.filter(theme__bank=bank).count() == 24
    assert len(bank.principles) == 5 and len(bank.guidance) == 5
    assert Indicator.objects.filter(indicator_set__version=1).count() > 10
    assert Instrument.objects.get().demo is True
    assert "Loaded: Conversation guide (version 1)" in output


@pytest.mark.django_db
def test_running_the_loader_again_changes_nothing():
    load()
    output = load()
    assert QuestionBank.objects.count() == 1
    assert IndicatorSet.objects.count() == 1
    assert Instrument.objects.count() == 1
    assert output.count("Already loaded") == 4  # bank, signs, gate, instrument


@pytest.mark.django_db
def test_the_project_wide_load_content_command_runs_the_screening_loader():
    call_command("load_content", stdout=io.StringIO())
    assert QuestionBank.objects.filter(slug="conversation-guide").exists()


@pytest.mark.django_db
def test_loaded_bank_reads_back_as_the_same_rule_bank():
    from screening import rules
    from screening.content import CONTENT_DIR, read_json

    load()
    bank = QuestionBank.objects.prefetch_related("themes__questions").get()
    assert bank.to_rule() == rules.load_bank(read_json(CONTENT_DIR / "seed_bank.json"))
