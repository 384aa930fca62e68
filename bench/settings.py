"""Harbor's settings for the benchmark: the app's own, plus the bench-only URLs (a trivial view
and a Django admin site over the same cases and services, the yardsticks the pages are held to).
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DEBUG = False
