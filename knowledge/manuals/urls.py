"""Manual pages, mounted at /knowledge/ in the "knowledge" namespace (knowledge/urls.py)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.home, name="home"),
    path("review/", views.review_queue, name="review"),
    path("import/", views.import_upload, name="import"),
    path("c/<slug:slug>/", views.client_manual, name="client"),
    path("c/<slug:slug>/new/", views.article_create, name="create"),
    path("c/<slug:slug>/feedback/", views.feedback_report, name="feedback_report"),
    path("c/<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="edit"),
    path("articles/<int:pk>/suggest/", views.article_suggest, name="suggest"),
    path("articles/<int:pk>/verify/", views.verify, name="verify"),
    path("articles/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("articles/<int:pk>/history/", views.history, name="history"),
    path("articles/<int:pk>/diff/", views.diff, name="diff"),
    path("articles/<int:pk>/revisions/<int:number>/restore/", views.restore, name="restore"),
    path("articles/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("articles/<int:pk>/<str:action>/", views.article_action, name="action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
]
