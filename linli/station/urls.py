from django.urls import path

from . import views

app_name = "station"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("o/<int:pk>/", views.offering, name="offering"),
    path("recommendations/", views.recommendations_toggle, name="recommendations"),
    path("review/<int:reservation_pk>/", views.review, name="review"),
    path("providers/apply/", views.apply, name="apply"),
    path("console/", views.console, name="console"),
    path("console/offerings/new/", views.new_offering, name="new_offering"),
    path("console/offerings/<int:pk>/", views.edit_offering, name="edit_offering"),
    path("vetting/", views.vetting, name="vetting"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("vetting/<int:pk>/contact/", views.vetting_reveal, name="vetting_reveal"),
    path("providers/<int:pk>/licence/", views.licence, name="licence"),
]
