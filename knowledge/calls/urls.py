"""Call data and topic mining pages, mounted at /knowledge/calls/ in the "knowledge" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="calls_index"),
    path("c/<slug:slug>/", views.home, name="calls_home"),
    path("c/<slug:slug>/import/", views.upload, name="calls_upload"),
    path("c/<slug:slug>/mine/", views.mine, name="calls_mine"),
    path("c/<slug:slug>/topics/", views.topics, name="calls_topics"),
    path("c/<slug:slug>/records/", views.records, name="calls_records"),
    path("imports/<int:pk>/", views.job, name="calls_job"),
    path("imports/<int:pk>/progress/", views.job_progress, name="calls_job_progress"),
    path("imports/<int:pk>/bad-rows.csv", views.job_errors, name="calls_job_errors"),
    path("runs/<int:pk>/status/", views.run_status, name="calls_run_status"),
    path("topics/<int:pk>/", views.topic, name="calls_topic"),
    path("topics/<int:pk>/draft/", views.topic_draft, name="calls_topic_draft"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="calls_topic_edit"),
    path("topics/<int:pk>/link/", views.topic_link, name="calls_topic_link"),
    path("records/<int:pk>/", views.record, name="calls_record"),
]
