from django.urls import path

from . import views

app_name = "disclosures"
urlpatterns = [
    path("", views.index, name="index"),
    path("area/<str:path>/", views.area, name="area"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.printable, name="print"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("staff/", views.staff, name="staff"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/correct/", views.staff_correct, name="staff_correct"),
    path("staff/objections/<int:pk>/contact/", views.staff_contact, name="staff_contact"),
]
