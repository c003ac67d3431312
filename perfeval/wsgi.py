"""WSGI entry point of perfeval."""

import os

from django.core.wsgi import get_wsgi_application

from perfeval.settings import default_module

# DJANGO_SETTINGS_MODULE wins; else DJANGO_ENV (local, production) picks the module.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_module())

application = get_wsgi_application()
