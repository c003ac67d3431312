"""The app's URLs plus ``/bench/hello/``, the constant page every request rate is compared to,
and ``/bench/file/``, the floor of a stored PDF's download."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from perfeval.urls import urlpatterns as app_urlpatterns


@login_not_required
def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


@functools.cache
def _first_pdf():
    from reports.models import OfficialPdf

    return OfficialPdf.objects.order_by("pk").first()


def stored_file(request):
    """The first official PDF sent as the app sends one (reports/sending.py), to a signed-in
    user, with nothing else: no access check, no record, no query once its name is known.
    What a download costs beyond sending the file is measured against it (bench/web.py)."""
    from reports.sending import stored_file_response

    pdf = _first_pdf()
    return stored_file_response(pdf.file, filename="bench.pdf", content_type="application/pdf")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("bench/file/", stored_file, name="bench_file"),
    *app_urlpatterns,
]
