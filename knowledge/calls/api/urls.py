"""Call data API, mounted at /api/v1/knowledge/calls/ (knowledge/api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/", views.CallRecordList.as_view(), name="api-calls-records"),
    path("topics/", views.TopicList.as_view(), name="api-calls-topics"),
    path("imports/", views.ImportCreate.as_view(), name="api-calls-imports"),
    path("imports/<int:pk>/", views.ImportDetail.as_view(), name="api-calls-import"),
    path("mining-runs/", views.MiningRunCreate.as_view(), name="api-calls-mining-runs"),
    path("mining-runs/<int:pk>/", views.MiningRunDetail.as_view(), name="api-calls-mining-run"),
]
