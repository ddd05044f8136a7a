"""Call data API, mounted at /api/v1/knowledge/calls/."""

from django.urls import path

from . import api

urlpatterns = [
    path("records/", api.CallRecordList.as_view(), name="api-calls-records"),
    path("topics/", api.TopicList.as_view(), name="api-calls-topics"),
    path("imports/", api.ImportCreate.as_view(), name="api-calls-imports"),
    path("imports/<int:pk>/", api.ImportDetail.as_view(), name="api-calls-import"),
    path("mining-runs/", api.MiningRunCreate.as_view(), name="api-calls-mining-runs"),
    path("mining-runs/<int:pk>/", api.MiningRunDetail.as_view(), name="api-calls-mining-run"),
]
