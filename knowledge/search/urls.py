from django.urls import path

from . import views

urlpatterns = [
    path("call/", views.call_mode, name="call_mode"),
    path("call/results/", views.call_results, name="call_results"),
    path("call/articles/<int:pk>/", views.call_article, name="call_article"),
    path("call/articles/<int:pk>/pin/", views.call_pin, name="call_pin"),
    path("search/", views.search_page, name="search"),
    path("search/open/<int:log_id>/<int:pk>/", views.search_open, name="search_open"),
    path("search/synonyms/", views.synonyms, name="synonyms"),
    path("search/synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
    path("search/gaps/", views.zero_results, name="search_gaps"),
    path("search/gaps/link/", views.gap_link, name="search_gap_link"),
    path("search/learned/<int:pk>/remove/", views.learned_remove, name="learned_remove"),
]
