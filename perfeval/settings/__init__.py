"""Settings modules: ``base`` holds everything; ``local``, ``test`` and ``production`` adjust it."""

import os

ENVIRONMENTS = ("local", "test", "production")


def default_module() -> str:
    """The settings module that ``DJANGO_ENV`` names (``local`` when unset)."""
    env = os.environ.get("DJANGO_ENV") or "local"
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    return f"perfeval.settings.{env}"
