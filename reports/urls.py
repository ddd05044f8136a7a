"""Report pages, mounted at /reports/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.client, name="client"),
    path("c/<slug:slug>/build/", views.build, name="build"),
    path("<int:pk>/", views.snapshot, name="snapshot"),
    path("<int:pk>/status/", views.snapshot_status, name="snapshot_status"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("team/", views.team, name="team"),
    path("company/", views.company, name="company"),
]
