"""Demo contracts: the won demo deals became contracts when they were won; here they move on, one stage
further each (handover with a PM, a customer PO, shipments per site, PAC, FAC and fulfilment), dated
after their signature so that invoices can fall due, and the pages show every stage. Idempotent: a contract already handed over is left as it is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

EVIDENCE = b"%PDF-1.4\n% m2c demo acceptance certificate\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pm(contract: Any) -> Any:
    from m2c.core.models import Role, User

    return (User.objects.filter(groups__name=Role.FR, is_active=True).order_by("username").first()
            or contract.owner)


def load(progress: bool = True) -> str:
    from . import services
    from .models import Contract
    from .states import ContractStatus

    contracts = list(Contract.objects.filter(status=ContractStatus.SIGNED, delivery_project__isnull=True)
                     .order_by("number"))
    moved = fulfilled = 0
    today = timezone.localdate()
    for index, contract in enumerate(contracts):
        if contract.signed_on == today:
            # The demo deals are all won today; spread their signatures over the past months so that
            # deliveries, acceptances and invoices have a history and unpaid invoices fall due.
            contract.signed_on = today - timedelta(days=40 + (index * 37) % 160)
            Contract.objects.filter(pk=contract.pk).update(signed_on=contract.signed_on)
        if index % 4 == 0:
            continue  # stays SIGNED, waiting for its handover meeting
        signed = contract.signed_on or today

        def on(days: int, signed: Any = signed) -> Any:
            """A date ``days`` after the signature, never in the future: older deals have a history."""
            return min(signed + timedelta(days=days), today)

        if not contract.sites.exists():
            services.site_save(contract=contract, actor=None, name="一期 Phase 1", share_pct="60", location="主校区")
            services.site_save(contract=contract, actor=None, name="二期 Phase 2", share_pct="40", location="新校区")
        services.contract_handover(contract=contract, actor=None, pm=_pm(contract), handover_on=signed,
                                   baseline_plan="到货 → 安装 → 调测 → 初验 → 终验")
        services.purchase_order_record(contract=contract, actor=None, number=f"PO-{contract.number}",
                                       issued_on=signed, amount=contract.total_value,
                                       upload=SimpleUploadedFile("PO.pdf", EVIDENCE, content_type="application/pdf"))
        sites = list(contract.sites.all())
        for position, site in enumerate(sites):
            if index % 4 == 1 and position > 0:
                break  # in execution: the first site delivered, the others still to come
            services.shipment_record(contract=contract, actor=None, site=site.pk, description=f"{site.name} 设备到货",
                                     shipped_on=on(10), delivered_on=on(14))
        if index % 4 >= 2:
            services.certificate_record(
                contract=contract, actor=None, type="PAC", sites=[sites[0].pk], signed_on=on(40),
                signatory="客户信息中心主任", scope_note="初验",
                upload=SimpleUploadedFile("PAC.pdf", EVIDENCE, content_type="application/pdf"))
        if index % 4 == 3:
            services.certificate_record(contract=contract, actor=None, type="FAC", whole_contract=True,
                                        signed_on=on(80), signatory="客户信息中心主任", scope_note="终验")
            fulfilled += 1  # final acceptance of the whole scope fulfils the contract
        moved += 1
    _change(contracts)
    return f"contracts +{moved} moved on ({fulfilled} fulfilled) of {Contract.objects.count()}"


def _change(contracts: list[Any]) -> None:
    """One drafted change request (a new site) on the first contract in execution, for the change panel."""
    from . import services
    from .models import ChangeRequest, Contract

    target = (Contract.objects.filter(pk__in=[c.pk for c in contracts], status="IN_EXECUTION")
              .order_by("number").first())
    if target is None or ChangeRequest.objects.exists():
        return
    services.change_request(contract=target, actor=None, kind="SCOPE", reason="客户新增图书馆站点",
                            lines=[{"description": "图书馆无线覆盖", "site": "图书馆 Library", "quantity": "100",
                                    "unit_price": "1000", "unit_cost": "700"}])
