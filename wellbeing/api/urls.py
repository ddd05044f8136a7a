from django.urls import path

from . import views

urlpatterns = [
    path("overtime-requests/", views.OvertimeListCreate.as_view(), name="wellbeing-overtime-list"),
    path("overtime-requests/<int:pk>/", views.OvertimeDetail.as_view(), name="wellbeing-overtime-detail"),
    path(
        "overtime-requests/<int:pk>/approve/",
        views.OvertimeApprove.as_view(),
        name="wellbeing-overtime-approve",
    ),
    path(
        "overtime-requests/<int:pk>/reject/", views.OvertimeReject.as_view(), name="wellbeing-overtime-reject"
    ),
    path("shutdown-plan/", views.ShutdownPlanView.as_view(), name="wellbeing-shutdown-plan"),
    path("devices/register/", views.DeviceRegister.as_view(), name="wellbeing-device-register"),
    path("device/plan/", views.DevicePlan.as_view(), name="wellbeing-device-plan"),
    path("device/events/", views.DeviceEvents.as_view(), name="wellbeing-device-events"),
]
