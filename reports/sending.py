"""Sending a stored file (an official PDF) once the request has been allowed and recorded.

By default the file goes out through ``FileResponse``: the WSGI server's file wrapper, which
gunicorn sends with ``sendfile()`` (the kernel copies it to the socket; no Python loop reads
it). Behind nginx or Caddy, ``PERFEVAL_ACCEL_REDIRECT`` (settings.ACCEL_REDIRECT_PREFIX) names
an internal location of the media directory: the app then answers with no body and an
``X-Accel-Redirect`` header, and the proxy sends the file itself (docs/deploy.md).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header


def stored_file_response(file: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    """The response that sends ``file`` as an attachment named ``filename``."""
    prefix = settings.ACCEL_REDIRECT_PREFIX
    if not prefix:
        return FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    assert file.name, "a stored file has a name"
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = prefix + quote(file.name)
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # always made for an attachment
    response["Content-Disposition"] = disposition
    return response
