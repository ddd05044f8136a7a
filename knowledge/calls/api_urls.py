"""Call data API, mounted at /api/v1/knowledge/calls/."""

from django.urls import path

from . import api

urlpatterns = [
    path("records/", api.CallRecordList.as_view(), name="api-calls-records"),
    path("topics/", api.TopicList.as_view(), name="api-calls-topics"),
]
