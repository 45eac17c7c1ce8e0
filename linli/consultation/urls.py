from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.propose, name="propose"),
    path("community/<str:code>/", views.public, name="public"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/checkin/<str:token>/", views.check_in, name="check_in"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.staff_propose, name="staff_propose"),
    path("desk/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("desk/<int:pk>/meeting/", views.schedule, name="schedule"),
    path("desk/<int:pk>/decide/", views.decide, name="decide"),
    path("desk/meetings/<int:pk>/", views.meeting_desk, name="meeting_desk"),
    path("desk/meetings/<int:pk>/scan/", views.minutes_scan, name="minutes_scan"),
    path("desk/resolutions/", views.resolutions, name="resolutions"),
    path("desk/resolutions/<int:pk>/", views.resolution, name="resolution"),
    path("desk/bodies/", views.bodies, name="bodies"),
    path("desk/bodies/<int:pk>/", views.body, name="body"),
    path("desk/matters/", views.matters, name="matters"),
]
