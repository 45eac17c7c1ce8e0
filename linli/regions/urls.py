from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("residents/", views.resident_search, name="residents"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("households/<int:household_pk>/residents/new/", views.resident_new, name="resident_new"),
    path("households/<int:pk>/representative/", views.household_representative, name="household_representative"),
    path("rooms/<int:room_pk>/households/new/", views.household_new, name="household_new"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("rooms/", views.room_search, name="rooms"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_report, name="import_report"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("export/", views.export, name="export"),
    path("visits/", views.visits, name="visits"),
    path("four-none/", views.four_none, name="four_none"),
    path("audit/", views.audit_log, name="audit"),
]
