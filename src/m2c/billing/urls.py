from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="index"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/export/", views.invoice_export, name="invoice-export"),
    path("invoices/platform-import/", views.platform_import, name="platform-import"),
    path("invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<uuid:invoice_id>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("invoices/<uuid:invoice_id>/do/<slug:command>/", views.invoice_command, name="invoice-command"),
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/<uuid:dispute_id>/", views.dispute_detail, name="dispute"),
    path("disputes/<uuid:dispute_id>/do/<slug:command>/", views.dispute_command, name="dispute-command"),
    path("contracts/<uuid:contract_id>/", views.contract_billing, name="contract"),
    path("receivables/", views.receivables, name="receivables"),
    path("receivables/export/", views.receivables_export, name="receivables-export"),
    path("contracts/<uuid:contract_id>/flows/", views.contract_flows, name="contract-flows"),
    path("contracts/<uuid:contract_id>/milestones/new/", views.milestone_edit, name="milestone-add"),
    path("contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/", views.milestone_edit, name="milestone-edit"),
    path("workbench/", views.workbench, name="workbench"),
    path("receipts/", views.receipt_list, name="receipts"),
    path("receipts/statements/", views.statement_upload, name="statement-upload"),
    path("receipts/<uuid:receipt_id>/", views.receipt_detail, name="receipt"),
    path("receipts/<uuid:receipt_id>/confirm/", views.receipt_confirm, name="receipt-confirm"),
    path("receipts/<uuid:receipt_id>/allocate/", views.receipt_allocate, name="receipt-allocate"),
    path("receipts/<uuid:receipt_id>/refund/", views.receipt_refund, name="receipt-refund"),
    path("receipts/<uuid:receipt_id>/refunds/<uuid:refund_id>/decide/", views.receipt_refund_decide,
         name="refund-decide"),
]
