"""The Django admin (/manage/) against another facility's objects, and password resets.

The probe: an administrator of one facility edited another facility, moved its units into their
own and granted them to their clinicians, who then read the other facility's cases; set a
clinician's password and signed in as them; and used "view on site" to turn a sequential id
into a case reference. Every registered admin model is walked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.models import AuditEntry, Case, Facility, Role, Unit, User
from tests.conftest import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db


@dataclass
class Elsewhere:
    facility: Facility
    unit: Unit
    clinician: User
    administrator: User
    case: Case


@pytest.fixture
def admin_client(personas: Personas) -> Client:
    """Our facility's administrator, with the admin rights load_demo gives the role."""
    personas.administrator.is_staff = True
    personas.administrator.save()
    Group.objects.get(name=Role.ADMINISTRATOR).permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["cases", "auth", "axes"],
        )
    )
    return personas.client_for("administrator")


@pytest.fixture
def elsewhere(personas: Personas) -> Elsewhere:
    facility = Facility.objects.create(name="Other Hospital", jurisdiction="US-NY")
    unit = Unit.objects.create(facility=facility, name="Emergency")
    clinician = make_user("their_clinician", facility, [Role.CLINICIAN], [unit])
    administrator = make_user("their_admin", facility, [Role.ADMINISTRATOR], [])
    case = actions.open_case(
        unit=unit, jurisdiction="US-NY", age_years=30, preferred_language="en", by=clinician
    )
    return Elsewhere(facility, unit, clinician, administrator, case)


def throttle_rows() -> dict[type, object]:
    now = timezone.now()
    common = {"user_agent": "x", "ip_address": "10.9.9.9", "username": "their_clinician"}
    return {
        AccessAttempt: AccessAttempt.objects.create(
            **common,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/",
            failures_since_start=1,
            attempt_time=now,
        ),
        AccessLog: AccessLog.objects.create(
            **common, http_accept="", path_info="/", attempt_time=now
        ),
        AccessFailureLog: AccessFailureLog.objects.create(
            **common, http_accept="", path_info="/", attempt_time=now, locked_out=False
        ),
    }


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_the_walk_covers_every_registered_admin_model():
    registered = set(admin.site._registry)
    assert registered == {User, Unit, Facility, Group, AccessAttempt, AccessLog, AccessFailureLog}


@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_every_admin_model_answers_404_for_another_facilitys_object(admin_client, elsewhere, page):
    objects = {
        User: elsewhere.clinician,
        Unit: elsewhere.unit,
        Facility: elsewhere.facility,
        # Not facility objects: shared across facilities, so platform superusers' only.
        Group: Group.objects.get(name=Role.CLINICIAN),
        **throttle_rows(),
    }
    assert set(objects) == set(admin.site._registry)
    for model, obj in objects.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
        assert admin_client.get(url).status_code == 404, url
        assert admin_client.post(url, {"post": "yes", "name": "Taken"}).status_code == 404, url
    elsewhere.facility.refresh_from_db()
    assert elsewhere.facility.name == "Other Hospital"
    assert Unit.objects.filter(pk=elsewhere.unit.pk).exists()


def test_an_administrator_cannot_list_or_add_facilities_groups_or_throttle_records(
    admin_client, personas
):
    for model in (Facility, Group, AccessAttempt, AccessLog, AccessFailureLog):
        opts = model._meta
        for page in ("changelist", "add"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
            assert admin_client.get(url).status_code == 403, url
    own = reverse("admin:cases_facility_change", args=[personas.facility.pk])
    assert admin_client.get(own).status_code == 404
    assert "Facilities" not in admin_client.get(reverse("admin:index")).content.decode()


def test_lists_show_only_our_facility(admin_client, personas, elsewhere):
    users = admin_client.get(reverse("admin:cases_user_changelist")).content.decode()
    assert "their_clinician" not in users and "other_clinician" in users
    assert "Other Hospital" not in users  # not even as a filter choice
    units = admin_client.get(reverse("admin:cases_unit_changelist"))
    assert list(units.context["cl"].queryset) == [personas.emergency, personas.maternity]


def test_a_unit_cannot_be_moved_or_created_in_another_facility(admin_client, personas, elsewhere):
    url = reverse("admin:cases_unit_change", args=[personas.emergency.pk])
    response = admin_client.post(url, {"name": "Emergency", "facility": elsewhere.facility.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    personas.emergency.refresh_from_db()
    assert personas.emergency.facility == personas.facility
    admin_client.post(
        reverse("admin:cases_unit_add"), {"name": "Night", "facility": elsewhere.facility.pk}
    )
    assert not Unit.objects.filter(name="Night").exists()


def test_another_facilitys_unit_cannot_be_granted_to_our_clinician(
    admin_client, personas, elsewhere
):
    nurse = personas.other_clinician
    response = admin_client.post(
        reverse("admin:cases_user_change", args=[nurse.pk]),
        {
            "username": nurse.username,
            "first_name": nurse.first_name,
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [str(Group.objects.get(name=Role.CLINICIAN).pk)],
            "facility": str(personas.facility.pk),
            "units": [str(elsewhere.unit.pk)],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(nurse.units.all()) == [personas.maternity]
    their_case = personas.client_for("other_clinician").get(elsewhere.case.get_absolute_url())
    assert their_case.status_code == 404


def test_view_on_site_no_longer_turns_an_id_into_a_case_reference(admin_client, elsewhere):
    case_type = ContentType.objects.get_for_model(Case)
    response = admin_client.get(f"/manage/r/{case_type.pk}/{elsewhere.case.pk}/")
    assert response.status_code == 404
    assert elsewhere.case.ref not in response.get("Location", "")


# --- Password resets instead of set-password ---------------------------------------------


def test_the_set_password_page_is_gone(admin_client, personas):
    nurse = personas.clinician
    old_hash = nurse.password
    url = f"/manage/cases/user/{nurse.pk}/password/"
    response = admin_client.post(
        url, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"}, follow=True
    )
    assert response.status_code == 404
    nurse.refresh_from_db()
    assert nurse.password == old_hash
    change_page = admin_client.get(reverse("admin:cases_user_change", args=[nurse.pk]))
    assert 'name="password"' not in change_page.content.decode()
    assert "Issue a password reset" in change_page.content.decode()


def test_a_new_user_is_created_without_a_password(admin_client, personas):
    response = admin_client.post(
        reverse("admin:cases_user_add"),
        {"username": "newnurse", "first_name": "New", "last_name": "Nurse"},
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newnurse")
    assert not newcomer.has_usable_password()
    assert newcomer.facility == personas.facility


def test_a_reset_ends_sessions_is_audited_and_the_link_works_once(admin_client, personas):
    nurse = personas.clinician
    nurse_session = personas.client_for("clinician")
    assert nurse_session.get(reverse("cases:home")).status_code == 200
    url = reverse("admin:cases_user_password_reset", args=[nurse.pk])
    assert "Issue the reset link" in admin_client.get(url).content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET_ISSUED).exists()

    page = admin_client.post(url).content.decode()
    link = re.search(r'<code id="reset-link">http://testserver(/accounts/reset/[^<]+)</code>', page)
    assert link is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_RESET_ISSUED)
    assert entry.user == personas.administrator and entry.detail == {"target": nurse.pk}

    # Signed out everywhere, and the old password no longer works.
    assert nurse_session.get(reverse("cases:home")).status_code == 302
    assert not signs_in("clinician", PASSWORD)

    anonymous = Client()
    form_page = anonymous.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "Lighthouse-keeper-2026"
    done = anonymous.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert signs_in("clinician", new_password)
    assert AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_SET).user == nurse

    again = Client().get(link.group(1), follow=True).content.decode()
    assert "already been used or has expired" in again


def test_another_facilitys_person_cannot_be_reset(admin_client, elsewhere):
    url = reverse("admin:cases_user_password_reset", args=[elsewhere.clinician.pk])
    assert admin_client.post(url).status_code == 404
    elsewhere.clinician.refresh_from_db()
    assert elsewhere.clinician.has_usable_password()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET_ISSUED).exists()
