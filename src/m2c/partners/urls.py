from django.urls import path

from . import views
from .urls_channel import urlpatterns as channel_urlpatterns

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("performance/", views.channel_performance, name="performance"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/new/", views.registration_create, name="registration-create"),
    path("registrations/<uuid:registration_id>/", views.registration_detail, name="registration"),
    path("registrations/<uuid:registration_id>/do/<slug:command>/", views.registration_command,
         name="registration-command"),
    path("leads/", views.offer_list, name="offers"),
    path("leads/<int:offer_id>/<slug:action>/", views.offer_command, name="offer-command"),
    *channel_urlpatterns,
    path("<uuid:partner_id>/", views.partner_detail, name="detail"),
    path("<uuid:partner_id>/do/<slug:command>/", views.partner_command, name="command"),
    path("<uuid:partner_id>/certifications/new/", views.certification_create, name="certification-create"),
    path("<uuid:partner_id>/certifications/<uuid:certification_id>/<slug:command>/", views.certification_command,
         name="certification-command"),
]
