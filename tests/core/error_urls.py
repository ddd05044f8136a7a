"""The real URLconf plus views that raise each refusal, for tests/core/test_errors.py."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as real_urlpatterns
from core.errors import Conflict, NotAllowed, NotFound, RuleError, shown

REFUSALS = {
    "rule": lambda: RuleError("No copy is free."),
    "rule-field": lambda: RuleError("Add between 1 and 200 copies.", field="count"),
    "not-allowed": lambda: NotAllowed("Only librarians can add books."),
    "not-found": lambda: NotFound("No such loan."),
    "conflict": lambda: Conflict("Already approved by 박지현 at 18:02."),
    "invalid-fields": lambda: ValidationError({"count": "Too many.", "note": "Too long."}),
    "invalid": lambda: ValidationError("This report is being built already."),
    "denied": lambda: PermissionDenied("Only managers of this client."),
    "fine": lambda: None,
}


def _refuse(kind: str) -> None:
    error = REFUSALS[kind]()
    if error is not None:
        raise error


class Refuses(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request, kind: str):
        _refuse(kind)
        return Response({"ok": True}, status=201)


class RefusesHidden(Refuses):
    not_allowed_as_404 = True


def page(request, kind: str):
    """An action: a refusal becomes a message and the same redirect back as after success."""
    with shown(request, not_allowed_as_404=request.GET.get("hide") == "1"):
        _refuse(kind)
        return redirect("/done/")
    return redirect("/back/")


class CopiesForm(forms.Form):
    count = forms.IntegerField()


def form_page(request, kind: str):
    """A form: a refusal goes on the form, which is shown again (here: its errors as JSON)."""
    form = CopiesForm({"count": "3"})
    assert form.is_valid()
    with shown(request, form=form):
        _refuse(kind)
        return redirect("/done/")
    return HttpResponse(form.errors.as_json(), content_type="application/json", status=200)


urlpatterns = [
    path("refuses/api/<str:kind>/", Refuses.as_view()),
    path("refuses/api-hidden/<str:kind>/", RefusesHidden.as_view()),
    path("refuses/page/<str:kind>/", page),
    path("refuses/form/<str:kind>/", form_page),
    *real_urlpatterns,
]
