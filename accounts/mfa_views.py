"""allauth's MFA pages with what the first sign-in of a manager needs around them.

The views are allauth's; these subclasses only remember where the person was going (the
`next` the MFA requirement sent them with), say why the set-up is asked for, and give the
recovery codes a Korean file name and a way on.
"""

from __future__ import annotations

from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.http import attachment_disposition

from .permissions import has_mfa, mfa_required

NEXT_SESSION_KEY = "dasan_mfa_next"

# Apps that read the standard otpauth:// QR code (RFC 6238, 30 s, 6 digits).
AUTHENTICATOR_APPS = ("Google Authenticator", "Microsoft Authenticator", "NAVER", "1Password", "Authy")


def _remember_next(request) -> None:
    candidate = request.GET.get("next") or request.POST.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = candidate


class ActivateTOTPView(totp_views.ActivateTOTPView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _remember_next(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            {
                "setup_required": mfa_required(user) and not has_mfa(user),
                "secret": context["form"].secret,
                "authenticator_apps": AUTHENTICATOR_APPS,
            }
        )
        return context


class ViewRecoveryCodesView(recovery_views.ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # Shown once as the last step of the set-up; afterwards it is the plain settings page.
        context["first_setup"] = NEXT_SESSION_KEY in self.request.session
        context["next_url"] = self.request.session.pop(NEXT_SESSION_KEY, None) or reverse("mfa_index")
        return context


class DownloadRecoveryCodesView(recovery_views.DownloadRecoveryCodesView):
    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Content-Disposition"] = attachment_disposition(
            _("dasan-recovery-codes.txt"), ascii_name="dasan-recovery-codes.txt"
        )
        return response


activate_totp = ActivateTOTPView.as_view()
view_recovery_codes = ViewRecoveryCodesView.as_view()
download_recovery_codes = DownloadRecoveryCodesView.as_view()
