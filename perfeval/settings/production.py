"""Production: DEBUG off, HTTPS only; key, hosts, database and file storage from the environment.

Selected by ``DJANGO_ENV=production`` or ``DJANGO_SETTINGS_MODULE=perfeval.settings.production``.
docs/deploy.md lists every variable; ``manage.py check --deploy`` reports no issue.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, MEDIA_ROOT, STORAGES, env_bool


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = False

# Read again rather than trusting base: there, DJANGO_DEBUG=1 would allow a development key and
# add the loopback hosts.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host(s) in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS only. Behind nginx or Caddy terminating TLS, PERFEVAL_BEHIND_PROXY=1 makes Django trust
# the proxy's X-Forwarded-Proto; the proxy must set that header itself, never pass a client's.
if env_bool("PERFEVAL_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# For `make serve` only: plain http on 127.0.0.1, no redirect, cookies sent without TLS.
# check --deploy reports it (security.W008, W012, W016): never set it on a real server.
INSECURE_LOCAL_HTTP = env_bool("PERFEVAL_INSECURE_LOCAL_HTTP")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True) and not INSECURE_LOCAL_HTTP
SESSION_COOKIE_SECURE = not INSECURE_LOCAL_HTTP
CSRF_COOKIE_SECURE = not INSECURE_LOCAL_HTTP
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Static files: hashed names (cached forever) and pre-compressed copies, served by WhiteNoise
# from STATIC_ROOT after `manage.py collectstatic`.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Stored files (official PDFs): a local directory by default (a shared volume when several app
# servers run), or an S3-compatible bucket through django-storages (pip install '.[s3]').
MEDIA_ROOT = os.environ.get("PERFEVAL_MEDIA_ROOT") or MEDIA_ROOT
if bucket := os.environ.get("PERFEVAL_S3_BUCKET"):
    try:
        import storages.backends.s3  # noqa: F401 - also imports boto3
    except ImportError:
        raise ImproperlyConfigured(
            "PERFEVAL_S3_BUCKET needs django-storages and boto3: pip install -e '.[s3]'."
        ) from None
    # Credentials come the boto3 way: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("PERFEVAL_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PERFEVAL_S3_REGION") or None,
            "location": os.environ.get("PERFEVAL_S3_PREFIX", ""),
            "addressing_style": os.environ.get("PERFEVAL_S3_ADDRESSING_STYLE") or None,
            # Private objects, handed out through signed URLs; a stored PDF is never replaced.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Stored files sent by nginx or Caddy from an internal location of MEDIA_ROOT, after the app
# has allowed and recorded the download (reports/sending.py, docs/deploy.md).
ACCEL_REDIRECT_PREFIX = os.environ.get("PERFEVAL_ACCEL_REDIRECT", "")
if ACCEL_REDIRECT_PREFIX and not (
    ACCEL_REDIRECT_PREFIX.startswith("/") and ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        "PERFEVAL_ACCEL_REDIRECT must be a path that starts and ends with /, "
        "such as /protected-media/."
    )
if ACCEL_REDIRECT_PREFIX and os.environ.get("PERFEVAL_S3_BUCKET"):
    raise ImproperlyConfigured(
        "PERFEVAL_ACCEL_REDIRECT serves files from a local media directory: "
        "leave it empty with PERFEVAL_S3_BUCKET."
    )

# One JSON object a line on stdout (PERFEVAL_LOG_FORMAT=plain for people reading a terminal).
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("PERFEVAL_LOG_FORMAT", "json")

# Keep database connections between requests (checked before reuse): a page then costs no
# connection set-up. DJANGO_CONN_MAX_AGE=0 closes them after every request again.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Notifications by e-mail through the office's mail server, where one is named.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
