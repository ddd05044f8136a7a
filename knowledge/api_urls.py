"""The knowledge app's API under /api/v1/knowledge/ (config/api_urls.py): each part's api/urls.py."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("knowledge.search.api.urls")),  # search/
    path("calls/", include("knowledge.calls.api.urls")),  # records/, topics/, imports/, mining-runs/
    path("", include("knowledge.manuals.api.urls")),  # articles/
]
