from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import mfa_views
from accounts import views as account_views

# The admin site signs in through allauth (MFA, rate limits) and is for admins only.
# Replaced on the one site instance on purpose (mypy refuses assigning to methods).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
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
    # allauth's MFA pages that the first sign-in walks through, with the way back to where one was going.
    path("accounts/2fa/totp/activate/", mfa_views.activate_totp, name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/", mfa_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "accounts/2fa/recovery-codes/download/",
        mfa_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
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


handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
