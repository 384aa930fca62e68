"""Project-level guarantees: committed migrations, a clean deploy check, throttled sign-in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

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
    for _ in range(settings.HARBOR_NAME_FAILURE_LIMIT):
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


ROOT = Path(settings.BASE_DIR)


def settings_from(env: dict[str, str], expression: str) -> str:
    """Print `expression` (comma-separated values) as a fresh process with this environment sees
    config.settings: settings are read once, at start-up."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    out = subprocess.run(  # noqa: S603 - our interpreter, an expression written in this file
        [sys.executable, "-c", f"import config.settings as s; print({expression})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_layout_of_the_design_is_in_place():
    for name in ("manage.py", "pyproject.toml", "README.md", "Makefile", ".ci/run"):
        assert (ROOT / name).is_file(), name
    for name in ("config", "cases", "screening", "safety", "referrals", "documentation"):
        assert (ROOT / name / "__init__.py").is_file(), name
        assert name in settings.INSTALLED_APPS or name == "config"
    for name in ("templates", "static", "tests"):
        assert (ROOT / name).is_dir(), name
    assert (ROOT / ".python-version").read_text().strip() == "3.12"
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_the_stack_of_the_design_is_declared_and_installed():
    import django

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.12"
    declared = " ".join(project["dependencies"] + project["optional-dependencies"]["dev"])
    for package in (
        "Django>=6.1",
        "django-htmx",
        "psycopg[binary]>=3",
        "django-crispy-forms",
        "crispy-bootstrap5",
        "weasyprint",
        "pytest-django",
        "playwright",
        "django-axes",
    ):
        assert package in declared, package
    assert django.VERSION[:2] == (6, 1)
    assert sys.version_info >= (3, 12)


def test_the_database_is_sqlite_by_default_and_postgresql_through_database_url():
    assert settings_from({}, "s.DATABASES['default']['ENGINE']") == ("django.db.backends.sqlite3")
    postgres = settings_from(
        {"DATABASE_URL": "postgres://harbor@db.example.org:5432/harbor"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
    )
    assert postgres == "django.db.backends.postgresql harbor"


def test_the_idle_lock_defaults_to_ten_minutes_and_is_configurable():
    assert settings_from({}, "s.HARBOR_IDLE_LOCK_MINUTES, s.SESSION_COOKIE_AGE") == "10 600"
    assert (
        settings_from(
            {"HARBOR_IDLE_LOCK_MINUTES": "3"}, "s.HARBOR_IDLE_LOCK_MINUTES, s.SESSION_COOKIE_AGE"
        )
        == "3 180"
    )


def test_the_readme_opens_with_the_two_commands_and_the_makefile_provides_them():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert [c for c in commands if c] == ["make run", "make test"]
    assert readme.index("```sh") < readme.index("## Layout")  # it opens the README
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    demo = re.search(r"^demo-data:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    assert "demo-data" in run and "runserver 127.0.0.1:8000" in run
    for step in ("migrate", "load_content", "load_demo"):
        assert f"manage.py {step}" in demo, step
    test = re.search(r"^test:.*\n\t(.*)$", makefile, re.M).group(1)
    # The browser is set up (and named) first, then the whole suite runs.
    assert test == (
        'HARBOR_CHROMIUM="$$($(BIN)/python tests/browser/chromium.py)"'
        " $(BIN)/python -m pytest -n $(TEST_WORKERS)"
    )
    assert "TEST_WORKERS ?= 2" in makefile


def test_ci_runs_the_readme_test_command_on_a_fresh_postgresql_and_on_sqlite():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script  # any failing test fails CI
    assert re.search(r"createdb .*-O harbor_owner \"\$db\"", script)
    assert "CREATE ROLE harbor_app LOGIN NOSUPERUSER" in script
    # Migrations as the owner, the app's own work as the app's role, the suite as the owner.
    migrate = script.index('DATABASE_URL="$owner_url" .venv/bin/python manage.py migrate')
    as_app = script.index('DATABASE_URL="$app_url" .venv/bin/python manage.py load_content')
    postgres = script.index('DATABASE_URL="$owner_url" make test')
    assert migrate < as_app < postgres
    assert "export HARBOR_DB_APP_ROLE=harbor_app" in script
    sqlite = script.index("\nmake test\n")
    assert postgres < sqlite


def test_cases_never_reaches_into_a_phase_app():
    """Arrows point up only: phases know `cases`, `cases` knows no phase (DESIGN.md)."""
    import re
    from pathlib import Path

    phases = "screening|safety|referrals|documentation"
    offenders = []
    for path in Path(settings.BASE_DIR, "cases").rglob("*"):
        if path.suffix == ".py":
            text = path.read_text()
            if re.search(rf"^\s*(from|import)\s+({phases})\b", text, re.M):
                offenders.append(str(path))
        elif path.suffix == ".html":
            if re.search(rf"{{% url ['\"]({phases}):", path.read_text()):
                offenders.append(str(path))
    assert not offenders
