from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("", views.requirement_list, name="index"),
    path("requirements/export/", views.requirement_export, name="requirement-export"),
    path("requirements/<uuid:requirement_id>/", views.requirement_detail, name="requirement-detail"),
]
