from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views

# The admin site signs in through allauth (MFA, rate limits) and is for admins only.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.has_permission = lambda request: bool(
    request.user.is_active
    and request.user.is_authenticated
    and request.user.is_admin
    and request.user.is_staff
)
admin.site.site_header = "Dasan"

urlpatterns = [
    path("", account_views.home, name="home"),
    # Before allauth's own: the e-mail page with the login identity guarded (accounts.views.EmailView).
    path("accounts/email/", account_views.email, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("people/", include("accounts.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("bookclub/", include("bookclub.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("reports/", include("reports.urls")),
    path("", include("ops.urls")),  # /health/live, /health/ready, /metrics, /ops/status/
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)),
]


def _not_found(request, exception=None):
    """Under /api/ a 404 is JSON like every other API answer (unmatched ids included)."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


handler404 = _not_found
