from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("", views.venues, name="venues"),
    path("<int:pk>/", views.venue, name="venue"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.edit, name="edit"),
]
