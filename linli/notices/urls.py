from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.draft, name="new"),
    path("mine/", views.mine, name="mine"),
    path("leader/", views.leader, name="leader"),
    path("leader/<int:pk>/<int:household_id>/", views.leader_record, name="leader_record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.draft, name="edit"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/coverage/", views.coverage, name="coverage"),
    path("<int:pk>/urge/", views.urge, name="urge"),
    path("<int:pk>/attachments/<int:att>/remove/", views.remove_attachment, name="remove_attachment"),
    path("<int:pk>/unreached.xlsx", views.export_unreached, name="export"),
    path("<int:pk>/print.pdf", views.printable, name="print"),
    path("<int:pk>/attachments/<int:att>/", views.attachment, name="attachment"),
    path("public/<int:pk>/", views.public, name="public"),
    path("public/area/<str:path>/", views.public_area, name="public_area"),
]
