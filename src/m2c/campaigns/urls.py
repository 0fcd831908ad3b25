from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<uuid:campaign_id>/", views.campaign_detail, name="detail"),
    path("<uuid:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<uuid:campaign_id>/do/<slug:command>/", views.campaign_command, name="command"),
]
