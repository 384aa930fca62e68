"""Harbor's one settings module, read from the environment with safe defaults.

Defaults give a local demo on an embedded SQLite database. Production sets DATABASE_URL
(PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and HARBOR_HTTPS=1; tests override through pytest's
`settings` fixture rather than a second module.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (the demo's SQLite file, collected static files) lives here, outside git.
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The fallback key only exists so that a newcomer's demo starts; `check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-harbor-local-demo-only")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cases.apps.HarborAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "cases",
    "screening",
    "safety",
    "referrals",
    "documentation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cases.middleware.SlidingSessionMiddleware",
    # The profile's interface language, over LocaleMiddleware's cookie/browser choice.
    "cases.middleware.UserLanguageMiddleware",
    # Every URL needs a signed-in user unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After CSRF (a forged post is refused as such) and auth (the refusal page is a page).
    "cases.middleware.FieldSizeLimitMiddleware",
    "cases.middleware.AuditContextMiddleware",
    "cases.middleware.NoStoreForSignedInMiddleware",
    # Axes last, as its documentation asks, so it sees the final response of a failed sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.harbor",
            ],
        },
    },
]

# Django's widget templates, written in Python for the plain widgets (same HTML, a fraction of
# the time on pages with hundreds of fields): cases.renderers.
FORM_RENDERER = "cases.renderers.FastWidgetRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'harbor.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo server and the browser tests serve requests on several threads: take the write
    # lock up front and wait for it, rather than failing with "database is locked". Tests use a
    # file, not memory, so each live-server thread gets its own connection.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # One file per test process, so two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Harbor's queries are short and their plans' estimated costs can still cross PostgreSQL's
    # JIT threshold (the figures' aggregate did): compiling then took longer than the query.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
    # Harbor's .iterator() calls are a form's choices (a few units, a few lines): as server-side
    # cursors each was a DECLARE … WITH HOLD, a FETCH and a CLOSE (the held rows materialised at
    # commit) on every page with a choice field, for lists that fit in one fetch.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role the app runs as, granted its rights after each migrate (run as the
# owner). See README "PostgreSQL roles" and cases.db_roles.
HARBOR_DB_APP_ROLE = os.environ.get("HARBOR_DB_APP_ROLE", "")

AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the person's roles in the same query (cases.auth).
    "cases.auth.RoleReadingBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password reset link (issued by an administrator, handed over in person) lasts a day.
PASSWORD_RESET_TIMEOUT = 24 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): lock a user name from one address after repeated failures,
# and an address after more failures across names (cases.throttle explains the two limits).
HARBOR_NAME_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
HARBOR_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_FAILURE_LIMIT = "cases.throttle.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# No single form value may be longer than this (each form also caps its own fields).
HARBOR_MAX_FIELD_CHARS = int(os.environ.get("HARBOR_MAX_FIELD_CHARS", "100000"))

# Idle lock: a shared ward workstation must not stay signed in. The server forgets an idle
# session after this long; the page's script signs out a moment before that.
HARBOR_IDLE_LOCK_MINUTES = int(os.environ.get("HARBOR_IDLE_LOCK_MINUTES", "10"))
SESSION_COOKIE_AGE = HARBOR_IDLE_LOCK_MINUTES * 60
# The expiry slides as the session is used, its row written at most this often
# (cases.middleware.SlidingSessionMiddleware), not on every request.
HARBOR_SESSION_TOUCH_SECONDS = int(os.environ.get("HARBOR_SESSION_TOUCH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the body's hx-headers, not the cookie

# Strict Content-Security-Policy: only our own files, scripts need the per-request nonce,
# nothing inline, nothing from elsewhere. Bootstrap's CSS draws form icons as data: images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

HTTPS = env_bool("HARBOR_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Behind a load balancer, the client's address comes from X-Forwarded-For; trust it only when
# told to, or an attacker could write any address into the audit log.
HARBOR_TRUST_X_FORWARDED_FOR = env_bool("HARBOR_TRUST_X_FORWARDED_FOR")

# The interface languages. Each is named in its own language (the switch in the header shows
# the other one's name, so a reader finds theirs); see README "Languages".
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times follow the active language: templates use the named formats
# (SHORT_DATETIME_FORMAT, MONTH_DAY_FORMAT, ...), which these modules set per language.
FORMAT_MODULE_PATH = ["config.formats"]
# A signed-out visitor's choice (the sign-in page's switch) is kept in this cookie; a signed-in
# person's is saved on their profile too (cases.views.switch_language).
LANGUAGE_COOKIE_NAME = "harbor_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", str(bootstrap_wrapper.get_bootstrap_dir())),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("HARBOR_MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Let WhiteNoise serve straight from the finders so the demo and tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The case page's phase tabs: (slug, label, URL name). Each phase app serves its own tab, so
# `cases` shows them without importing the phase apps.
HARBOR_CASE_TABS = [
    ("screening", _("Screening"), "screening:case-screening"),
    ("safety", _("Safety"), "safety:case-safety"),
    ("care", _("Care"), "safety:case-care"),
    ("reporting", _("Reporting"), "safety:case-reporting"),
    ("referrals", _("Referrals"), "referrals:case-referrals"),
    ("notes", _("Notes"), "documentation:case-notes"),
]

# One-click actions in the case header, on every tab: (label, URL name, button classes). Each is
# a POST to a phase app's view; like the tabs, `cases` shows them without importing the phase.
HARBOR_CASE_ACTIONS = [
    (_("Threatening behaviour"), "safety:report-threat", "btn btn-danger btn-sm"),
]

# The function that answers `cases.providers.hotlines_for` (the referral directory). Empty: none.
HARBOR_HOTLINES_PROVIDER = "referrals.hotlines.hotlines_for"
# Lists the provinces, territories and states a case may be in (the rule table holds them).
HARBOR_JURISDICTIONS_PROVIDER = "safety.places.jurisdiction_places"

# Functions that name, in the active language, what a phase's timeline events are about (a
# checklist item, a referral's service): each takes a list of CaseEvents and returns
# {event id: text} for those it knows (cases.timeline). Empty: plain messages.
HARBOR_TIMELINE_DETAILS_PROVIDERS: list[str] = [
    "screening.timeline.timeline_details",
    "safety.timeline.timeline_details",
]

# The function that gives documentation a case's referrals (`case=` → list of
# cases.providers.CaseReferral) for the note's prefill and the contacts handout (the referral
# directory). Empty: none.
HARBOR_CASE_REFERRALS_PROVIDER = "referrals.providers.case_referrals"

# Directory entries due for re-checking, for an administrator's home (cases.providers).
# A neutral e-mail to supervisors on a new escalation (cases.notify); off unless asked for.
HARBOR_ESCALATION_EMAIL = env_bool("HARBOR_ESCALATION_EMAIL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "harbor@localhost")
# How mail leaves: Django's MAILERS (the pre-6.1 EMAIL_* settings are deprecated). SMTP by
# default, to HARBOR_SMTP_HOST; HARBOR_EMAIL_BACKEND names another backend (e.g. the console's
# for a demo), which then takes no SMTP options.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = os.environ.get("HARBOR_EMAIL_BACKEND", SMTP_BACKEND)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": os.environ.get("HARBOR_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("HARBOR_SMTP_PORT", "25")),
            "username": os.environ.get("HARBOR_SMTP_USER", ""),
            "password": os.environ.get("HARBOR_SMTP_PASSWORD", ""),
            "use_tls": env_bool("HARBOR_SMTP_TLS"),
            "timeout": 10,
        }
        if EMAIL_BACKEND_PATH == SMTP_BACKEND
        else {},
    }
}

HARBOR_STALE_DIRECTORY_PROVIDER = "referrals.stale.stale_entries"

# Retention (manage.py purge_closed_cases): each phase's function that removes the free text it
# keeps for a list of case ids, so `cases` clears them without importing a phase app.
HARBOR_RETENTION_HOOKS = [
    "screening.retention.purge",
    "safety.retention.purge",
    "documentation.retention.purge",
    "referrals.retention.purge",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# What an administrator's home page links to, beyond facility settings and users: each phase
# adds its editor here. Missing URL names are skipped.
HARBOR_ADMIN_LINKS = [
    (_("Question banks and indicators"), "screening:admin-banks"),
    (_("Checklists"), "safety:admin-checklists"),
    (_("Reporting rules by jurisdiction"), "safety:admin-jurisdictions"),
    (_("Referral directory"), "referrals:directory"),
    (_("Note templates"), "documentation:admin-note-templates"),
    (_("Content languages and translations"), "cases:content-languages"),
    (_("Language check wording"), "documentation:admin-word-list"),
]
