from django.urls import path

from . import views

app_name = "assemblies"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("verify_assembly.py", views.verifier, name="verifier"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/turnout/", views.turnout, name="turnout"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/roll/", views.public_roll, name="public_roll"),
    path("<int:pk>/roll/staff/", views.roll, name="roll"),
    path("<int:pk>/roll/units/<int:unit_id>/correct/", views.correct, name="correct"),
    path("<int:pk>/roll/entries/<int:entry_id>/voter/", views.designate, name="designate"),
    path("<int:pk>/slips/", views.slips, name="slips"),
    path("<int:pk>/slips/print/", views.slips_print, name="slips_print"),
    path("<int:pk>/slips/<int:slip_id>/scan/", views.slip_scan, name="slip_scan"),
    path("<int:pk>/proxies/<int:proxy_id>/document/", views.proxy_document, name="proxy_document"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/proxies/", views.proxies, name="proxies"),
    path("proxies/<int:proxy_id>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/board/", views.board, name="board"),
    path("<int:pk>/record.json", views.record, name="record"),
    path("<int:pk>/archive/", views.archive, name="archive"),
]
