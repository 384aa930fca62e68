"""Project-level guarantees: committed migrations, a clean deploy check, throttled sign-in."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cases.models import User


@pytest.mark.django_db
def test_every_model_change_has_a_committed_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-real-secret-" + "x9Q2!vL7#pR4@mN8$kT1" * 3,
        "HARBOR_HTTPS": "1",
        "ALLOWED_HOSTS": "harbor.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    out = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_repeated_failed_sign_ins_lock_the_account_even_with_the_right_password(personas, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "clinician", "password": "nope"})
    response = client.post(
        reverse("login"), {"username": "clinician", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_load_demo_creates_one_user_per_role_and_prints_their_sign_ins(capsys):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    out = capsys.readouterr().out
    for username in ("clinician", "clinician2", "supervisor", "administrator"):
        assert username in out
        assert User.objects.filter(username=username).count() == 1
    assert User.objects.get(username="supervisor").is_supervisor
    assert User.objects.get(username="administrator").is_staff
    assert "harbor-demo-2026" in out
