"""Manuals API, mounted at /api/v1/knowledge/ (knowledge/api_urls.py)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("articles/", views.ArticleListView.as_view(), name="api-knowledge-articles"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="api-knowledge-article"),
    path(
        "articles/<int:pk>/suggestions/",
        views.SuggestionCreateView.as_view(),
        name="api-knowledge-suggestion-create",
    ),
]
