"""GET /api/v1/knowledge/search/?q=…&client=<slug>&limit=10 (token or session)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ClientCompany
from accounts.permissions import visible_clients
from accounts.requests import AuthenticatedRequest

from .. import interface


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, trim_whitespace=True)
    client = serializers.SlugField(max_length=60)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)

    def validate_client(self, slug: str) -> ClientCompany:
        # Only the caller's clients: one that exists but is not theirs gets the same answer.
        client = visible_clients(self.context["request"].user).filter(slug=slug).first()
        if client is None:
            raise serializers.ValidationError(_("Unknown client company “%(slug)s”.") % {"slug": slug})
        return client


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article_id")
    external_id = serializers.CharField()
    title = serializers.CharField()
    client = serializers.CharField(source="client_slug")
    category = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matched words.")
    score = serializers.FloatField(
        help_text=f"Relevance in [0, 1]; {interface.GOOD_MATCH} or more means every typed word was found."
    )
    url = serializers.CharField()


class SearchResponseSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
    count = serializers.IntegerField(help_text="Matching articles, counted up to the engine's cap.")
    count_capped = serializers.BooleanField(help_text="True when more articles match than `count` says.")
    took_ms = serializers.FloatField()
    fallback = serializers.CharField(help_text='"" (exact), "typo" or "relaxed"')


class SearchAPIView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="What the agent typed (Korean)."),
            OpenApiParameter("client", str, required=True, description="Client company slug."),
            OpenApiParameter("limit", int, required=False, description="1..50, default 10."),
        ],
        responses={
            200: SearchResponseSerializer,
            400: OpenApiResponse(
                description="Missing q, bad limit, or a client that does not exist or that the caller may "
                "not see (the same answer for both; names the field)"
            ),
        },
        tags=["knowledge"],
        operation_id="knowledge_search",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        params = SearchParamsSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        client = params.validated_data["client"]
        result = interface.search(
            user=request.user,
            client=client,
            query=params.validated_data["q"],
            limit=params.validated_data["limit"],
            log=True,
        )
        data = {
            "results": SearchHitSerializer(result.hits, many=True).data,
            "count": result.count,
            "count_capped": result.count_capped,
            "took_ms": result.took_ms,
            "fallback": result.fallback,
        }
        return Response(data)
