from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("teams/", views.team_tree, name="teams"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("people/<int:pk>/photo/", views.photo, name="photo"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notifications_bell, name="notifications_bell"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
