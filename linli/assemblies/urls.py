from django.urls import path

from . import views

app_name = "assemblies"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/roll/", views.public_roll, name="public_roll"),
]
