"""WSGI entry point of perfeval."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings.local")

application = get_wsgi_application()
