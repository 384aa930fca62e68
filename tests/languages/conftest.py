from tests.screening.conftest import content  # noqa: F401  (the shipped screening content)
