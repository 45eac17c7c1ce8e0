from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<str:path>/", views.public, name="public"),
    path("calls/<int:pk>/", views.call_page, name="call"),
    path("calls/<int:pk>/propose/", views.propose, name="propose"),
    path("calls/<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/drawings/", views.drawings, name="drawings"),
    path("<int:pk>/design/", views.design, name="design"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.new_call, name="new_call"),
    path("desk/calls/<int:pk>/", views.staff_call, name="staff_call"),
    path("desk/projects/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("desk/designers/", views.designers, name="designers"),
]
