from django.urls import path

from . import views

app_name = "affairs"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("areas/", views.area_picker, name="area_picker"),
    path("items/<str:code>/", views.item, name="item"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("s/<str:token>/", views.status, name="status"),
    path("certificates/", views.certificate_kinds, name="certificate_kinds"),
    path("certificates/request/", views.certificate_request, name="certificate_request"),
    path("certificates/<int:pk>/", views.certificate_doc, name="certificate_doc"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("my/", views.my, name="my"),
    path("my/<int:pk>/", views.my_detail, name="my_detail"),
    path("receipt/<int:pk>/", views.receipt, name="receipt"),
    path("result/<int:pk>/", views.result_notice, name="result_notice"),
    path("result/<int:pk>/document/", views.result_document, name="result_document"),
    path("materials/<int:pk>/", views.material_file, name="material_file"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.desk_new, name="desk_new"),
    path("desk/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("desk/rectifications/", views.rectifications, name="rectifications"),
    path("desk/certificates/", views.certificates_desk, name="certificates_desk"),
    path("desk/certificates/<int:pk>/", views.certificate_issue, name="certificate_issue"),
    path("desk/figures/", views.figures, name="figures"),
]
