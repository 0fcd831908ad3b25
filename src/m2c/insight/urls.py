from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("", views.requirement_list, name="index"),
    path("requirements/<uuid:requirement_id>/", views.requirement_detail, name="requirement-detail"),
]
