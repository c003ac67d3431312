"""The app's URLs plus ``/bench/hello/``, the constant page every request rate is compared to."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from perfeval.urls import urlpatterns as app_urlpatterns


@login_not_required
def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *app_urlpatterns]
