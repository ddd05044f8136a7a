from django.urls import path

from . import views

urlpatterns = [
    path("snapshots/", views.SnapshotList.as_view(), name="api-reports-snapshots"),
    path("snapshots/<int:pk>/", views.SnapshotDetail.as_view(), name="api-reports-snapshot"),
]
