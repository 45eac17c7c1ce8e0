from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.election_list, name="list"),
    path("new/", views.form, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.form, name="edit"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/voters/", views.voters, name="voters"),
    path("<int:pk>/list/", views.public_list, name="public_list"),
    path("<int:pk>/voters/<int:voter_id>/", views.voter, name="voter"),
    path("<int:pk>/nominations/", views.nominations, name="nominations"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("<int:pk>/nominations/<int:nomination_id>/answer/", views.answer, name="answer"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/voting/", views.voting_page, name="voting"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/certificates/<int:voter_id>.pdf", views.certificate, name="certificate"),
    path("<int:pk>/proxies/", views.proxies_page, name="proxies"),
    path("<int:pk>/proxies/<int:proxy_id>/document/", views.proxy_document, name="proxy_document"),
    path("<int:pk>/counting/", views.counting, name="counting"),
    path("<int:pk>/recalls/", views.recalls, name="recalls"),
    path("<int:pk>/archive.zip", views.archive, name="archive"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
