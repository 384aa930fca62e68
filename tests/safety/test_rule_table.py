"""The rule table's shape: every row a whole duty, every condition answerable on the facts form."""

from __future__ import annotations

import copy

import pytest

from cases.schemas import ContentInvalid
from safety.facts import CONDITION_FACTS, FACT_ORDER
from safety.reporting_forms import FactsForm
from safety.rule_table import (
    ROW_FIELDS,
    Condition,
    Duty,
    Trigger,
    load_jurisdiction_rules,
    parse_table,
)
from safety.rules import facts_to_ask
from tests.safety.test_rules import TABLE

SHIPPED_ROWS = [row for entry in TABLE["jurisdictions"] for row in entry["rules"]]


@pytest.mark.parametrize("row", SHIPPED_ROWS, ids=[row["id"] for row in SHIPPED_ROWS])
def test_every_condition_of_every_shipped_row_has_a_field_on_the_facts_form(row):
    form = FactsForm(ask=list(FACT_ORDER))
    for condition in row["conditions"]:
        fact, _test = CONDITION_FACTS[Condition(condition)]
        # Capacity is the one fact answered by the capacity assessment, not by the facts form.
        assert fact == "capacity" or fact in form.fields, (row["id"], condition)


def test_every_condition_the_table_may_use_is_answerable():
    assert set(CONDITION_FACTS) == set(Condition)


def test_every_fact_a_shipped_row_needs_is_asked_somewhere():
    form = FactsForm(ask=list(FACT_ORDER))
    for entry in TABLE["jurisdictions"]:
        rules = load_jurisdiction_rules(TABLE, entry["code"])
        for fact in facts_to_ask(rules, (0, 130)):
            assert fact in form.fields, (entry["code"], fact)


@pytest.mark.parametrize("row", SHIPPED_ROWS, ids=[row["id"] for row in SHIPPED_ROWS])
def test_every_shipped_row_keeps_its_citation_source_and_checked_on_date(row):
    assert set(row) == set(ROW_FIELDS)
    assert row["legal_basis"].strip() and row["source"].strip() and row["checked_on"]
    assert row["recipient"].strip() and row["disclosure_limit"].strip()


def test_the_new_duty_kind_is_used_for_a_capable_adult_and_the_police_path():
    consent = {row["id"] for row in SHIPPED_ROWS if row["duty"] == "consent"}
    assert {"CA-BC-adult-consent", "CA-YT-adult-consent", "CA-competent-adult"} <= consent
    # The consent path to police is open at any age: a minor keeps it.
    police = [row for row in SHIPPED_ROWS if row["duty"] == "consent" and row["trigger"] == "any"]
    assert police and all(row["age_min"] is None for row in police)


def bad(mutate) -> dict:
    table = copy.deepcopy(TABLE)
    mutate(table["jurisdictions"][6]["rules"][0])  # CA-ON-child-under-16
    return table


ROW = ("jurisdictions", 6, "rules", 0)


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (
            lambda row: row.update(conditions=["lives in a care facility"]),
            ("conditions", 0),
            "one of",
        ),
        (lambda row: row.update(conditions="caregiver_involved"), ("conditions",), "a list"),
        (lambda row: row.update(conditions=["caregiver_involved"] * 2), ("conditions",), "unique"),
        (lambda row: row.update(conditions=["not_self_inflicted"]), ("conditions",), "Wound"),
        (lambda row: row.pop("reporter"), (), "reporter is missing"),
        (lambda row: row.update(deadline=""), ("deadline",), ""),
        (lambda row: row.update(condition=None), (), "does not know (condition)"),
        (lambda row: row.update(trigger="any"), ("duty",), "with their consent"),
        (lambda row: row.update(duty="sometimes"), ("duty",), "must be one of mandatory"),
        (lambda row: row.update(age_min=16), ("age_max",), "below the lower age limit"),
        (lambda row: row.update(id="CA-QC-child"), ("id",), "Start the id with CA-ON-"),
        (lambda row: row.update(checked_on="2026-02-31"), ("checked_on",), "real date"),
    ],
)
def test_a_malformed_row_is_refused_at_its_path(mutate, where, message):
    with pytest.raises(ContentInvalid) as refused:
        parse_table(bad(mutate))
    problems = {problem.path: problem.message for problem in refused.value.problems}
    assert (*ROW, *where) in problems, problems
    assert message in problems[(*ROW, *where)]


def test_a_rule_id_is_unique_across_the_table_and_default_is_required():
    twice = copy.deepcopy(TABLE)
    twice["jurisdictions"][6]["rules"].append(copy.deepcopy(twice["jurisdictions"][6]["rules"][0]))
    with pytest.raises(ContentInvalid, match="is used twice"):
        parse_table(twice)
    without = copy.deepcopy(TABLE)
    without["jurisdictions"] = [e for e in without["jurisdictions"] if e["code"] != "DEFAULT"]
    with pytest.raises(ContentInvalid, match="needs a DEFAULT entry"):
        parse_table(without)


def test_an_adult_protection_row_needs_an_age_or_a_condition():
    table = copy.deepcopy(TABLE)
    row = next(
        r for r in table["jurisdictions"][6]["rules"] if r["id"] == "CA-ON-care-home-resident"
    )
    row.update(conditions=[], age_min=None)
    with pytest.raises(ContentInvalid, match="needs an age or a condition"):
        parse_table(table)


def test_the_entry_schema_lists_exactly_the_engines_triggers_duties_and_conditions():
    from cases.schemas import schema
    from safety.rule_table import ENTRY_SCHEMA

    rule = schema(ENTRY_SCHEMA).schema["$defs"]["rule"]["properties"]
    assert rule["trigger"]["enum"] == [t.value for t in Trigger]
    assert rule["duty"]["enum"] == [d.value for d in Duty]
    assert rule["conditions"]["items"]["enum"] == [c.value for c in Condition]


def test_a_province_inherits_its_countrys_consent_path_but_not_a_topic_it_has():
    bc = load_jurisdiction_rules(TABLE, "CA-BC")
    ids = {row.id for row in bc.rows}
    assert {"CA-BC-adult-consent", "CA-competent-adult"} <= ids
    us_ny = load_jurisdiction_rules(TABLE, "US-NY")
    assert "US-child-sex-trafficking" not in {row.id for row in us_ny.rows}  # NY has its own
    assert "US-competent-adult" in {row.id for row in us_ny.rows}


@pytest.mark.parametrize("code", ["ELSEWHERE", "US-WA", "DEFAULT"])
def test_a_place_without_rules_gets_only_the_guide(code):
    rules = load_jurisdiction_rules(TABLE, code)
    assert rules.elsewhere and all(row.jurisdiction == "DEFAULT" for row in rules.rows)
