"""Project-wide middleware that belongs to no single app."""

from __future__ import annotations

import time

from django.conf import settings

RENEWED_KEY = "_renewed_at"


class IdleSessionMiddleware:
    """A session ends SESSION_COOKIE_AGE after the person's last request (idle), not after login.

    SESSION_SAVE_EVERY_REQUEST would do it with a database write on every request; renewing the
    expiry only once a tenth of the age has passed since the last renewal costs one write in that
    time, and an idle session still ends between 90 % and 100 % of the age after the last request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(RENEWED_KEY, 0)) >= settings.SESSION_COOKIE_AGE // 10:
                session[RENEWED_KEY] = now  # modified: saved with a fresh expiry and cookie
        return self.get_response(request)
