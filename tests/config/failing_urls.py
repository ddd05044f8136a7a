"""The real URLconf plus views that fail, for the 400 and 500 page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as real_urlpatterns


def fails(request):
    raise RuntimeError("boom")


def bad(request):
    raise SuspiciousOperation("bad input")


urlpatterns = [path("fails/", fails), path("bad/", bad), *real_urlpatterns]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
