from django.urls import path

from . import feeds, views

app_name = "portal"
urlpatterns = [
    path("choose/", views.choose, name="choose"),
    path("<str:code>/", views.portal, name="portal"),
    path("<str:code>/search", views.search, name="search"),
    path("<str:code>/feed/", feeds.PortalFeed(), name="feed"),
    path("<str:code>/feed/atom/", feeds.PortalAtomFeed(), name="atom"),
    path("<str:code>/feed/<str:key>/", feeds.SectionFeed(), name="section_feed"),
    path("<str:code>/feed/<str:key>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
]
