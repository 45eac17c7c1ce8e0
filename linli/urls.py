from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from linli.api import api
from linli.core import views as core_views
from linli.portal import views as portal_views

admin.site.site_header = "邻里 · 管理后台"
admin.site.site_title = "邻里"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("api/v1/", api.urls),  # first: the busiest prefix
    path("", portal_views.home, name="home"),  # signed in: core's start page; else the portal of one's community
    path("manifest.webmanifest", portal_views.manifest, name="manifest"),
    path("sw.js", portal_views.service_worker, name="service_worker"),
    path("offline/", portal_views.offline, name="offline"),
    path("elder-mode/", core_views.toggle_elder_mode, name="elder_mode"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("linli.accounts.urls")),
    path("registry/", include("linli.regions.urls")),
    path("orders/", include("linli.workorders.urls")),
    path("messages/", include("linli.messaging.urls")),
    path("affairs/", include("linli.affairs.urls")),
    path("booking/", include("linli.booking.urls")),
    path("station/", include("linli.station.urls")),
    path("spaces/", include("linli.spaces.urls")),
    path("notices/", include("linli.notices.urls")),
    path("elections/", include("linli.elections.urls")),
    path("consultation/", include("linli.consultation.urls")),
    path("projects/", include("linli.projects.urls")),
    path("disclosures/", include("linli.disclosures.urls")),
    path("assemblies/", include("linli.assemblies.urls")),
    path("portal/", include("linli.portal.urls")),
    path("open311/v2/", include("linli.workorders.open311_urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Errors around the views: the JSON envelope under /api/ (GeoReport's list under /open311/),
# pages elsewhere; a database that cannot be reached is a 503.
handler400 = "linli.core.handlers.bad_request"
handler403 = "linli.core.handlers.permission_denied"
handler404 = "linli.core.handlers.page_not_found"
handler500 = "linli.core.handlers.server_error"
