from django.urls import path

from m2c.core.imports.views import import_urls

from . import views, views_territories

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("territories/", views_territories.territory_list, name="territories"),
    path("territories/<int:territory_id>/", views_territories.territory_edit, name="territory"),
    path("territories/<int:territory_id>/delete/", views_territories.territory_delete, name="territory-delete"),
    path("<uuid:customer_id>/", views.customer_detail, name="detail"),
    path("<uuid:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<uuid:customer_id>/contacts/", views.contact_create, name="contact-create"),
]
urlpatterns += import_urls("customers", "customers/imports")  # the shared import engine's pages
