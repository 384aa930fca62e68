from django.urls import reverse


def test_pages_render(personas, case, directory):
    c = personas.client_for("clinician")
    r = c.get(reverse("referrals:case-referrals", args=[case.ref]))
    assert r.status_code == 200, r.content.decode()[:3000]
    print(r.content.decode()[:200])
    a = personas.client_for("administrator")
    for name in ["referrals:directory", "referrals:service-new", "referrals:directory-import", "referrals:directory-settings", "referrals:directory-export", "referrals:directory-export-tabular"]:
        r = a.get(reverse(name))
        assert r.status_code == 200, (name, r.content.decode()[:3000])
    from referrals.models import Service
    s = Service.objects.first()
    r = a.get(reverse("referrals:service-edit", args=[s.pk]))
    assert r.status_code == 200
    r = c.get(reverse("referrals:search") + "?text=legal&region=CA-ON")
    assert r.status_code == 200, r.content.decode()[:3000]
    assert "legal clinic" in r.content.decode()
