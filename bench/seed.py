"""The benchmark's data: cases written through Harbor's own actions, as a ward writes them.

`build_case` walks one case through every phase with the real actions (cases, screening, safety,
referrals, documentation), so each row, timeline entry and audit entry has the shape the app gives
it. Building 10,000 cases that way takes far too long on a shared 2-core machine (a case is a few
thousand queries), so `bench.copies` multiplies a seed set built here with SQL copies that keep
every row's shape (see that module).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Case, Facility, Role, Unit, User
from documentation import actions as note_actions
from documentation.rules import prefill_for, shipped_templates
from documentation.sources import case_record
from referrals import actions as referral_actions
from referrals import rules as referral_rules
from referrals.models import BARRIER, Service, TaxonomyTerm
from safety import actions as safety_actions
from safety.capacity import CapacityOutcome
from safety.facts import AgeBasis, ReportingFacts, Tri
from safety.models import ChecklistItem
from safety.rule_table import InjuryKind
from screening import actions as screening_actions
from screening.models import Answer, ObservedIndicator

PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away benchmark database only
UNITS = ["Emergency", "Maternity", "Intensive care", "Paediatrics", "Surgery", "Medicine"]
# Clinicians per unit: the ward load signs in 200 different people.
CLINICIANS_PER_UNIT = 40
ABILITIES = ("communicate_choice", "understand", "appreciate", "reason")
NOTE_TEXT = (
    "Patient seen with a professional interpreter after the companion was asked to wait outside. "
    'Bruising to the left forearm, about 4 by 2 cm, yellow-green. Patient said: "I cannot leave '
    'the house without him." Offered the card and a follow-up visit.'
)


def people() -> tuple[Facility, list[Unit], list[User], User, User]:
    """The bench facility: units, clinicians (each on one unit), a supervisor, an administrator
    and a superuser for the bench-only admin site."""
    facility = Facility.objects.create(
        name="Bench General", jurisdiction="CA-ON", security_phone="ext. 5555"
    )
    units = [Unit.objects.create(facility=facility, name=name) for name in UNITS]
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role}
    clinicians = []
    for u in range(len(units)):
        for n in range(CLINICIANS_PER_UNIT):
            user = User(username=f"clinician{u}_{n}", facility=facility, first_name=f"C{u}{n}")
            user.set_unusable_password()
            clinicians.append(user)
    User.objects.bulk_create(clinicians)
    clinicians = list(User.objects.filter(username__startswith="clinician").order_by("pk"))
    User.groups.through.objects.bulk_create(
        User.groups.through(user=c, group=groups[Role.CLINICIAN]) for c in clinicians
    )
    User.units.through.objects.bulk_create(
        User.units.through(user=c, unit=units[i // CLINICIANS_PER_UNIT])
        for i, c in enumerate(clinicians)
    )
    supervisor = User.objects.create_user(username="supervisor", facility=facility)
    supervisor.groups.set([groups[Role.SUPERVISOR]])
    administrator = User.objects.create_user(
        username="administrator", facility=facility, is_staff=True
    )
    administrator.groups.set([groups[Role.ADMINISTRATOR]])
    User.objects.create_superuser(username="bench_admin", password=PASSWORD)
    # One known password for the browser and the sign-in of the load test's first user.
    clinicians[0].set_password(PASSWORD)
    clinicians[0].save()
    return facility, units, clinicians, supervisor, administrator


def build_case(
    rng: random.Random,
    unit: Unit,
    clinician: User,
    supervisor: User,
    partners: list[Service],
    *,
    finish: bool | None = None,
) -> Case:
    """One case through every phase, each step the action the matching view calls. `finish`
    False leaves the screening open and the note a draft; None lets chance decide."""
    age = rng.choice([15, 16, 17, 19, 24, 31, 45, None])
    case = case_actions.open_case(
        unit=unit,
        jurisdiction=rng.choice(["CA-ON", "CA-ON", "CA-QC", "US-NY"]),
        age_years=age,
        preferred_language=rng.choice(["en", "fr", "es"]),
        by=clinician,
        ward_label=f"Bay {rng.randint(1, 40)}",
    )
    by = clinician
    # Screening: the gate, a few signs, most questions answered.
    if finish is None and rng.random() < 0.1:
        screening_actions.record_not_screened(
            case,
            reason="companion_would_not_leave",
            note="",
            universal_education_offered=True,
            by=by,
        )
    else:
        screening = screening_actions.start_screening(
            case,
            screening_actions.Gate(
                separation_method="routine-procedure", separation_note="", interpreter="not-needed"
            ),
            by=by,
        )
        for sign in ObservedIndicator.objects.filter(screening=screening)[: rng.randint(1, 4)]:
            screening_actions.save_observation(
                sign, observed=True, note="Seen at triage", base_version=sign.version, by=by
            )
        answers = list(Answer.objects.filter(screening=screening).order_by("pk"))
        for answer in answers[: rng.randint(6, len(answers))]:
            concern = rng.random() < 0.3
            screening_actions.save_answer(
                answer,
                status="answered",
                note="He keeps my passport" if concern else "",
                verbatim=concern,
                concern=concern,
                base_version=answer.version,
                by=by,
            )
        if finish is None and rng.random() < 0.7:
            screening_actions.complete_screening(screening, by=by)
    # Safety and care checklists.
    for slug, items in (
        ("safety-protocol", ["alert-supervisor", "keep-environment-secure", "stay-with-patient"]),
        ("immediate-care", ["treat-injuries", "screen-sti", "screen-pregnancy"]),
        ("transfer-handoff", ["no-self-transport", "handoff-report"]),
    ):
        for item in items[: rng.randint(1, len(items))]:
            current = ChecklistItem.objects.filter(
                checklist__case=case, checklist__slug=slug, slug=item
            ).first()
            safety_actions.set_checklist_item(
                case,
                slug,
                item,
                status="done",
                base_version=current.version if current else 0,
                by=by,
            )
    if rng.random() < 0.1:
        safety_actions.report_threat(case, by=by)
    # Capacity and the reporting decision.
    outcome = rng.choice(["present", "present", "absent"])
    safety_actions.record_capacity_assessment(
        case,
        decision="whether to involve police",
        findings={a: (outcome, "Said it back in her own words") for a in ABILITIES},
        by=by,
    )
    case.refresh_from_db()
    facts = ReportingFacts(
        jurisdiction=case.jurisdiction,
        age=age,
        age_basis=AgeBasis.CONFIRMED if age is not None else AgeBasis.UNKNOWN,
        capacity=CapacityOutcome.HAS_CAPACITY
        if outcome == "present"
        else CapacityOutcome.LACKS_CAPACITY,
        injury_kind=InjuryKind.NONE,
        lives_in_care_facility=Tri.NO,
        patient_consents=Tri.NO,
    )
    record = safety_actions.record_reporting_decision(case, facts, by=by)
    for recipient in sorted(safety_actions.outstanding_recipients(case, record))[:1]:
        safety_actions.log_disclosure(
            case,
            recipient=recipient,
            made_at=timezone.now(),
            legal_basis="required",
            patient_informed=True,
            by=by,
        )
    # Referrals: barriers, one or two offers and their outcome.
    barriers = list(TaxonomyTerm.objects.filter(taxonomy=BARRIER).values_list("code", flat=True))
    referral_actions.save_barriers(case, rng.sample(barriers, 2), base_version=None, by=by)
    for service in rng.sample(partners, rng.randint(1, 2)):
        referral = referral_actions.offer_service(case, service, by=by)
        accepted = rng.random() < 0.7
        referral = referral_actions.record_decision(
            referral,
            accepted=accepted,
            consent_to_share=accepted,
            share_scope="Name and phone only" if accepted else "",
            follow_up_on=timezone.localdate() + timedelta(days=rng.randint(-5, 10)),
            responsible=by,
            base_version=referral.version,
            by=by,
        )
        if accepted and rng.random() < 0.6:
            referral = referral_actions.change_status(
                referral, referral_rules.Status.CONTACTED, base_version=referral.version, by=by
            )
    if rng.random() < 0.1:
        referral_actions.record_help_declined(
            case,
            national_line_offered=True,
            local_contacts_offered=True,
            discreet_card_offered=True,
            follow_up_on=timezone.localdate() + timedelta(days=7),
            note="",
            by=by,
        )
    # The encounter note: prefilled, a draft typed, most finalised.
    template = shipped_templates()["encounter"]
    note = note_actions.start_note(case, prefill=prefill_for(template, case_record(case)), by=by)
    note = note_actions.save_draft(
        note,
        sections={**note.sections, "observations": NOTE_TEXT},
        consents={},
        sensitive=True,
        sensitive_reason="Disclosure would put the patient at risk",
        base_version=note.version,
        by=by,
    )
    if finish is None and rng.random() < 0.5:
        note_actions.finalise_note(note, wording_reviewed=True, base_version=note.version, by=by)
    if rng.random() < 0.2:
        case.refresh_from_db()
        case_actions.escalate_case(case, reason="Companion would not leave.", to=supervisor, by=by)
    return case


def _people() -> tuple[list[Unit], list[User], User]:
    facility = Facility.objects.get(name="Bench General")
    units = list(facility.units.order_by("pk"))
    clinicians = list(User.objects.filter(username__startswith="clinician").order_by("pk"))
    return units, clinicians, User.objects.get(username="supervisor")


def _partners() -> list[Service]:
    return list(Service.objects.filter(is_demo=True)) or list(Service.objects.all()[:9])


def seed_cases(count: int, *, seed: int = 15, progress: Callable[[str], None] = print) -> None:
    """`count` cases over the facility's units, each built by `build_case` in its own
    transaction, as each would be in the app."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    units, clinicians, supervisor = _people()
    partners = _partners()
    for i in range(count):
        unit_index = i % len(units)
        clinician = clinicians[
            unit_index * CLINICIANS_PER_UNIT + rng.randrange(CLINICIANS_PER_UNIT)
        ]
        with transaction.atomic():
            build_case(rng, units[unit_index], clinician, supervisor, partners)
        if (i + 1) % 100 == 0:
            progress(f"{i + 1} of {count} seed cases")


BENCH_CASE_LABEL = "Bay 99 (bench)"
BUSY_CASE_LABEL = "Bay 98 (bench)"


def bench_cases() -> None:
    """The cases the pages are measured on, on the first clinician's unit, built last so they are
    the newest: one under way (screening open, note in draft, so autosaves and ticks work) and
    one opened 600 times (the access log at its cap)."""
    from cases import audit

    units, clinicians, supervisor = _people()
    rng = random.Random(99)  # noqa: S311 - synthetic data
    case = build_case(rng, units[0], clinicians[0], supervisor, _partners(), finish=False)
    Case.objects.filter(pk=case.pk).update(ward_label=BENCH_CASE_LABEL)
    busy = build_case(rng, units[0], clinicians[0], supervisor, _partners(), finish=False)
    Case.objects.filter(pk=busy.pk).update(ward_label=BUSY_CASE_LABEL)
    for i in range(600):
        audit.record_case_view(busy, user=clinicians[i % CLINICIANS_PER_UNIT], part="overview")
