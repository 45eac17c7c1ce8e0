from django.urls import path, re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery),
    re_path(r"^services" + FMT, open311.services_list),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, open311.service_definition),
    re_path(r"^requests" + FMT, open311.requests_view),
    re_path(r"^requests/(?P<number>[\w-]+)" + FMT, open311.request_detail),
    path("discovery", open311.discovery),
    path("services", open311.services_list),
    path("requests", open311.requests_view),
]
