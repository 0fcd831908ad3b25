from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLResolver, include, path
from django.urls.resolvers import RoutePattern
from django.views.i18n import JavaScriptCatalog

from m2c.core.login import LoginView

# A busy database met outside a view (saving the session) answers 503, not 500, and an oversized body 413,
# not 400; problem+json under /api/ (see core.middleware).
handler400 = "m2c.core.middleware.bad_request"
handler500 = "m2c.core.middleware.server_error"



class LazyURLResolver(URLResolver):
    """A namespaced include whose module is imported when a URL of its own is resolved or reversed.

    On a first ``reverse`` Django populates every include of the URLconf, importing its module; for the API
    that is ~1.8 s of CPU (routers and schemas), paid by every process that only wanted a web page's URL
    (``m2c import`` writing a notification's link, a worker's sweep). Until then this include adds only its
    namespace, which is all its parent needs.
    """

    def _populate(self) -> None:
        if "urlconf_module" in self.__dict__:  # imported: populate as Django does
            super()._populate()

    # Reading its own URLs imports the module first; the properties then populate from it as Django's do.
    @property
    def reverse_dict(self):  # noqa: ANN201 (Django's)
        self.urlconf_module  # noqa: B018
        return super().reverse_dict

    @property
    def namespace_dict(self):  # noqa: ANN201
        self.urlconf_module  # noqa: B018
        return super().namespace_dict

    @property
    def app_dict(self):  # noqa: ANN201
        self.urlconf_module  # noqa: B018
        return super().app_dict


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    # Imported on first use (m2c/api_urls.py); "ninja" and "api" are the names django-ninja gives them.
    LazyURLResolver(RoutePattern("api/v1/", is_endpoint=False), "m2c.api_urls", app_name="ninja", namespace="api"),
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
