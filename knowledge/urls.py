"""The knowledge app's pages under /knowledge/, namespace "knowledge": its three parts each have a
URL module (knowledge/<part>/urls.py); the order below is the order Django tries them in."""

from django.urls import include, path

app_name = "knowledge"

urlpatterns: list = [
    path("", include("knowledge.search.urls")),  # call mode, search page, synonyms, gaps
    path("calls/", include("knowledge.calls.urls")),  # call data and topic mining
    path("", include("knowledge.manuals.urls")),  # manuals
]
