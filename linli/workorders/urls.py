from django.urls import path

from . import views

app_name = "workorders"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.report, name="report"),
    path("new/similar/", views.similar, name="similar"),
    path("patrol/", views.patrol, name="patrol"),
    path("mine/", views.mine, name="mine"),
    path("hotline/", views.hotline, name="hotline"),
    path("notifications/", views.notifications, name="notifications"),
    path("supervise/", views.supervise, name="supervise"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("public/<str:code>/", views.public, name="public"),
]
