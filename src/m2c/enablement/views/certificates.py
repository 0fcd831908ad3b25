"""My certificates (and, for enablement managers, those of their region), and the coverage chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from m2c.core.models import OfferingLine, Role

from .. import selectors
from ..states import CertificateStatus


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    manager = selectors.is_enablement_manager(request.user)
    params = {k: request.GET.get(k, "").strip()[:40] for k in ("status", "offering_line", "scope")}
    mine = not manager or params["scope"] != "all"
    qs = selectors.certificate_list(user=request.user, mine=mine, status=params["status"] or None,
                                    offering_line=params["offering_line"] or None)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "enablement/certificate_list.html", {
        "page": page, "params": params, "manager": manager, "mine": mine, "statuses": CertificateStatus.choices,
        "offering_lines": OfferingLine.objects.filter(active=True),
    })


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    data = selectors.coverage(user=request.user)
    lines, regions = data["lines"], data["regions"]
    roles = [str(Role(r).label) for r in selectors.COVERAGE_ROLES]
    y_labels = [f"{region.label} · {role}" for region in regions for role in roles]
    cells = []
    table = []
    for row in data["rows"]:
        y = regions.index(row["region"]) * len(roles) + list(selectors.COVERAGE_ROLES).index(row["role"])
        x = lines.index(row["line"])
        cells.append([x, y, row["pct"] if row["pct"] is not None else "-", row["certified"], row["in_role"]])
    for i, label in enumerate(y_labels):
        table.append((label, [c for c in cells if c[1] == i]))
    charts = {}
    if regions:
        charts["coverage-chart"] = {
            "kind": "heatmap", "x": [line.label for line in lines], "y": y_labels, "data": cells,
            "label": _("certified / in role"),
        }
    return render(request, "enablement/coverage.html", {
        "charts": charts, "table": table, "lines": lines, "height": 80 + 34 * len(y_labels),
    })
