"""ASGI entry point of perfeval."""

import os

from django.core.asgi import get_asgi_application

from perfeval.settings import default_module

# DJANGO_SETTINGS_MODULE wins; else DJANGO_ENV (local, production) picks the module.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_module())

application = get_asgi_application()
