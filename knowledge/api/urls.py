from django.urls import include, path

from . import views

urlpatterns: list = [
    path("", include("knowledge.search.api_urls")),
    path("calls/", include("knowledge.calls.api_urls")),
    path("articles/", views.ArticleListView.as_view(), name="api-knowledge-articles"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="api-knowledge-article"),
    path(
        "articles/<int:pk>/suggestions/",
        views.SuggestionCreateView.as_view(),
        name="api-knowledge-suggestion-create",
    ),
]
