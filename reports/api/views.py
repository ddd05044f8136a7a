"""Reports API: the snapshots a user may see (call-data rule) and one snapshot's figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError

from .. import selectors
from ..models import SnapshotStatus
from .serializers import SnapshotDetailSerializer, SnapshotSerializer


class SnapshotList(generics.ListAPIView):
    """Report snapshots of the clients the caller may see, newest period first."""

    serializer_class = SnapshotSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("client", OpenApiTypes.STR, description="client slug"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(SnapshotStatus.values)),
        ],
        tags=["reports"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.snapshots_for(self.request.user).defer("figures")
        slug = self.request.query_params.get("client", "").strip()
        if slug:
            client = selectors.client_for(self.request.user, slug)
            if client is None:
                raise NotFound(_("No client '%(slug)s' among the clients you may see.") % {"slug": slug})
            qs = qs.filter(client=client)
        # `?status=` with nothing after it is refused like any other value outside the enum.
        if "status" in self.request.query_params:
            status = self.request.query_params["status"].strip()
            if status not in SnapshotStatus.values:
                raise ValidationError(
                    {"status": [_("one of: %(values)s") % {"values": ", ".join(SnapshotStatus.values)}]}
                )
            qs = qs.filter(status=status)
        return qs


class SnapshotDetail(generics.RetrieveAPIView):
    """One report snapshot with its findings and every stored figure."""

    serializer_class = SnapshotDetailSerializer

    @extend_schema(tags=["reports"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.snapshots_for(self.request.user)
