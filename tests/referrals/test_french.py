"""The Referrals tab, search and the directory editor in French (the user's interface language)."""

from __future__ import annotations

from django.urls import reverse

from cases.models import User
from referrals.models import Service


def in_french(personas, name):
    User.objects.filter(username=getattr(personas, name).username).update(language="fr")
    return personas.client_for(name)


def test_a_french_speaking_clinician_reads_the_tab_and_its_contact_plan_in_french(
    personas, case, directory
):
    html = (
        in_french(personas, "clinician")
        .get(reverse("referrals:case-referrals", args=[case.ref]))
        .content.decode()
    )
    assert "Trouver un service" in html and "Obstacles à l’obtention d’aide" in html
    assert "Plan de contact sécuritaire" in html
    assert "Find a service" not in html


def test_search_results_read_in_french(personas, directory):
    html = (
        in_french(personas, "clinician")
        .get(reverse("referrals:search"), {"region": "CA-ON", "need": "mental-health"})
        .content.decode()
    )
    assert "services trouvés" in html and "Admissibilité" in html


def test_the_directory_editor_reads_in_french(personas, directory):
    service = Service.objects.get(name="Demo: Northside counselling")
    client = in_french(personas, "administrator")
    html = client.get(reverse("referrals:service-edit", args=[service.pk])).content.decode()
    assert "Vérifiée auprès du partenaire aujourd’hui" in html and "Régions desservies" in html
    listing = client.get(reverse("referrals:directory")).content.decode()
    assert "Répertoire des ressources" in listing and "Toutes les entrées" in listing


def test_harbors_own_terms_read_in_french_and_in_french_order(personas, case, directory):
    html = (
        in_french(personas, "clinician")
        .get(reverse("referrals:case-referrals", args=[case.ref]))
        .content.decode()
    )
    barriers = html.split('id="barriers-heading"')[1].split("</fieldset>")[0]
    labels = [part.split("</label>")[0].split(">")[-1] for part in barriers.split("<label")[2:]]
    assert labels == sorted(labels, key=str.casefold)
    assert "Consommation de substances" in labels and "Substance use" not in barriers
