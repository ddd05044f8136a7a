from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import visible_clients
from accounts.requests import AuthenticatedRequest
from knowledge.manuals import selectors, services
from knowledge.models import ArticleStatus

from .serializers import (
    ArticleDetailSerializer,
    ArticleListSerializer,
    SuggestionCreateSerializer,
    SuggestionSerializer,
)


@extend_schema(
    tags=["knowledge"],
    parameters=[
        OpenApiParameter("client", str, description="Client slug; only clients you may see"),
        OpenApiParameter(
            "status", str, enum=ArticleStatus.values, description="Agents see published articles only"
        ),
    ],
)
class ArticleListView(generics.ListAPIView):
    """Manual articles the caller may see (the same rule as the pages)."""

    serializer_class = ArticleListSerializer

    def get_queryset(self):
        user = self.request.user
        params = self.request.query_params
        client = None
        if params.get("client"):
            client = visible_clients(user).filter(slug=params["client"]).first()
            if client is None:
                # The same answer for clients that exist but are not yours: nothing leaks.
                raise ApiValidationError(
                    {"client": [_("Unknown client '%(slug)s'.") % {"slug": params["client"]}]}
                )
        status_ = params.get("status")  # present but empty is refused too: the schema's enum has no ""
        if status_ is not None and status_ not in ArticleStatus.values:
            raise ApiValidationError(
                {
                    "status": [
                        _("'%(value)s' is not one of %(choices)s")
                        % {"value": status_, "choices": ", ".join(ArticleStatus.values)}
                    ]
                }
            )
        return selectors.articles_for(user, client=client, status=status_).order_by("client__slug", "title")


@extend_schema(tags=["knowledge"])
class ArticleDetailView(generics.RetrieveAPIView):
    serializer_class = ArticleDetailSerializer

    def get_object(self):
        return selectors.article_detail(self.request.user, int(self.kwargs["pk"]))


class SuggestionCreateView(APIView):
    """Propose a change to a published article; a manager reviews it before agents see it."""

    @extend_schema(
        tags=["knowledge"],
        request=SuggestionCreateSerializer,
        responses={
            201: SuggestionSerializer,
            400: OpenApiResponse(description="Bad input or nothing changed"),
            404: OpenApiResponse(description="No such article for you"),
        },
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        article = selectors.article_for(request.user, pk)
        serializer = SuggestionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        note = data.pop("note", "")
        suggestion = services.suggestion_create(article=article, by=request.user, content=data, note=note)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)
