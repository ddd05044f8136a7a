from django.urls import path

from . import views

app_name = "wellbeing"

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan_card, name="plan_card"),
    path("overtime/", views.overtime_list, name="overtime_list"),
    path("overtime/new/", views.overtime_new, name="overtime_new"),
    path("overtime/<int:pk>/", views.overtime_detail, name="overtime_detail"),
    path("overtime/<int:pk>/cancel/", views.overtime_cancel, name="overtime_cancel"),
    path("overtime/<int:pk>/decide/", views.overtime_decide, name="overtime_decide"),
    path("manage/inbox/", views.inbox, name="inbox"),
    path("manage/delegation/", views.delegation_create, name="delegation_create"),
    path("manage/delegation/<int:pk>/end/", views.delegation_end, name="delegation_end"),
    path("manage/week/", views.week, name="week"),
    path("manage/day/", views.day, name="day"),
    path("manage/days-off/", views.days_off, name="days_off"),
    path("manage/days-off/<int:pk>/delete/", views.day_off_delete, name="day_off_delete"),
    path("devices/", views.devices, name="devices"),
    path("devices/<int:pk>/revoke/", views.device_revoke, name="device_revoke"),
    path("devices/agent/<str:name>", views.pc_agent_download, name="pc_agent_download"),
    path("flexible/", views.flexible, name="flexible"),
    path("flexible/<int:pk>/decide/", views.flexible_decide, name="flexible_decide"),
    path("flexible/<int:pk>/cancel/", views.flexible_cancel, name="flexible_cancel"),
    path("care/", views.care, name="care"),
    path("care/flag/", views.care_flag, name="care_flag"),
    path("care/<int:pk>/counselling/", views.care_counselling, name="care_counselling"),
]
