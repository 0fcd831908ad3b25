"""Routes of the MDF, special-price and incentive pages (in the partners namespace)."""

from django.urls import path

from .views import channel as views

urlpatterns = [
    path("mdf/", views.mdf_list, name="mdf"),
    path("mdf/<uuid:mdf_id>/", views.mdf_detail, name="mdf-detail"),
    path("mdf/<uuid:mdf_id>/do/<slug:command>/", views.mdf_command, name="mdf-command"),
    path("special-prices/", views.spq_list, name="spq"),
    path("special-prices/<uuid:spq_id>/do/<slug:command>/", views.spq_command, name="spq-command"),
    path("incentives/", views.incentives, name="incentives"),
    path("incentives/statement/", views.incentive_statement, name="incentive-statement"),
    path("incentives/<uuid:accrual_id>/do/<slug:command>/", views.accrual_command, name="accrual-command"),
]
