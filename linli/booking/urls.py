from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("r/<int:pk>/", views.resource_page, name="resource"),
    path("reservations/<int:pk>/", views.reservation_page, name="reservation"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_resource, name="staff_resource"),
    path("staff/<int:pk>/schedule/", views.schedule_page, name="schedule"),
    path("feed/<str:token>.ics", views.user_feed, name="user_feed"),
    path("resource-feed/<str:token>.ics", views.resource_feed, name="resource_feed"),
]
