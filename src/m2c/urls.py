from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from m2c.api import api
from m2c.core.login import LoginView

# A busy database met outside a view (saving the session) answers 503, not 500, and an oversized body 413,
# not 400; problem+json under /api/ (see core.middleware).
handler400 = "m2c.core.middleware.bad_request"
handler500 = "m2c.core.middleware.server_error"

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("customers/", include("m2c.customers.urls")),
    path("insight/", include("m2c.insight.urls")),
    path("campaigns/", include("m2c.campaigns.urls")),
    path("enablement/", include("m2c.enablement.urls")),
    path("leads/", include("m2c.leads.urls")),
    path("opportunities/", include("m2c.opportunities.urls")),
    path("billing/", include("m2c.billing.urls")),
    path("contracts/", include("m2c.contracts.urls")),
    path("partners/", include("m2c.partners.urls")),
    path("", include("m2c.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
