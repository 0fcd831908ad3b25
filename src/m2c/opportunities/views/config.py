"""Configuration pages: decision bodies and their members, the authority matrix, price lists.

What administrators kept in the Django admin or sent through the API, on pages of the app (issue 9
item 8). The services decide (administrators only, ``services/config.py``); every other role gets 403
here and reads the configuration in force on the read-only "Gates and authority" page. A published
matrix version is never edited: the matrix page publishes the next version, prefilled from the one in force.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.roles import is_administrator

from .. import rules, selectors, services
from ..config_forms import (
    DecisionBodyForm,
    DiscountFormSet,
    MatrixForm,
    MemberForm,
    PriceListForm,
    ProductForm,
    RuleFormSet,
)


def _admin(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise Forbidden(_("Only an administrator can change this configuration."))


def _found(record: Any) -> Any:
    if record is None:
        raise Http404(_("Not found."))
    return record


# --- decision bodies -------------------------------------------------------------------------------


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    """The decision bodies with their members, and the form that creates one."""
    _admin(request)
    form = DecisionBodyForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.decision_body_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Decision body “%(name)s” created.") % {"name": body})
            return redirect("opportunities:config-body", body.pk)
    return render(request, "opportunities/config/bodies.html", {"bodies": selectors.body_list(), "form": form},
                  status=422 if form.errors else 200)


def _body_page(request: HttpRequest, body: Any, form: Any, member_form: Any, status: int = 200) -> HttpResponse:
    members = list(body.memberships.select_related("user").order_by("valid_to", "role", "user__username"))
    return render(request, "opportunities/config/body_form.html", {
        "body": body, "form": form, "member_form": member_form, "members": members,
        "timeline": core_events.timeline_labelled(body),
    }, status=status)


@login_required
def body_edit(request: HttpRequest, body_id: Any) -> HttpResponse:
    _admin(request)
    body = _found(selectors.body_get(body_id))
    form = DecisionBodyForm(request.POST or None, initial={"name": body.name, "name_en": body.name_en, "active": body.active})
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_body_update(body=body, actor=request.user,
                                          **{k: v for k, v in form.cleaned_data.items() if k in form.changed_data})
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Decision body saved."))
            return redirect("opportunities:config-body", body.pk)
    return _body_page(request, body, form, MemberForm(), status=422 if form.errors else 200)


@login_required
@require_POST
def body_member_add(request: HttpRequest, body_id: Any) -> HttpResponse:
    _admin(request)
    body = _found(selectors.body_get(body_id))
    member_form = MemberForm(request.POST)
    if member_form.is_valid():
        try:
            services.decision_body_add_member(body=body, actor=request.user, **member_form.cleaned_data)
        except DomainError as exc:
            member_form.add_domain_error(exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("opportunities:config-body", body.pk)
    form = DecisionBodyForm(initial={"name": body.name, "name_en": body.name_en, "active": body.active})
    return _body_page(request, body, form, member_form, status=422)


@login_required
@require_POST
def body_member_end(request: HttpRequest, membership_id: Any) -> HttpResponse:
    _admin(request)
    membership = _found(selectors.membership_get(membership_id))
    try:
        services.decision_body_remove_member(membership=membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Membership ended."))
    return redirect("opportunities:config-body", membership.body_id)


# --- the authority matrix --------------------------------------------------------------------------


def _matrix_initial(matrix: Any) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    if matrix is None:
        return {}, [], []
    header = {"name": matrix.name, "note": ""}
    rule_rows = [{"gate_type": r.gate_type, "dimension": r.dimension, "operator": r.operator, "threshold": r.threshold,
                  "threshold_text": r.threshold_text, "offering_line": r.offering_line.code if r.offering_line_id else "",
                  "required_level": r.required_level, "label": r.label}
                 for r in matrix.rules.select_related("offering_line").order_by("position")]
    discount_rows = [{"role": d.role, "offering_line": d.offering_line.code if d.offering_line_id else "",
                      "max_discount_pct": d.max_discount_pct}
                     for d in matrix.discount_authorities.select_related("offering_line").order_by("role")]
    return header, rule_rows, discount_rows


def _rows(formset: Any) -> list[tuple[int, dict[str, Any]]]:
    """(form index, values) of every filled row not marked for deletion."""
    rows = []
    for i, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append((i, {k: v for k, v in data.items() if k != "DELETE"}))
    return rows


def _place(exc: DomainError, form: Any, sets: dict[str, tuple[Any, list[int]]]) -> None:
    """Put the service's errors (``rules.3.threshold``) beside the row and field they name."""
    leftover = []
    for item in exc.errors or [{"field": exc.field or "", "reason": exc.detail}]:
        parts = (item.get("field") or "").split(".")
        if parts[0] in sets and len(parts) == 3 and parts[1].isdigit():
            formset, index = sets[parts[0]]
            position = int(parts[1])
            if position < len(index) and parts[2] in formset.forms[index[position]].fields:
                formset.forms[index[position]].add_error(parts[2], item.get("reason"))
                continue
        leftover.append(item)
    if leftover:
        form.add_domain_error(DomainError("; ".join(str(i.get("reason")) for i in leftover), errors=leftover))


@login_required
def matrix_publish(request: HttpRequest) -> HttpResponse:
    _admin(request)
    current = rules.matrix_in_force()
    header, rule_rows, discount_rows = _matrix_initial(current)
    data = request.POST if request.method == "POST" else None
    form = MatrixForm(data, initial=header)
    # A posted row is read for what it holds, not compared with the version in force (an unchanged row
    # must be published again, not dropped as "empty").
    rule_set = RuleFormSet(data, initial=None if data else rule_rows, prefix="rules")
    discount_set = DiscountFormSet(data, initial=None if data else discount_rows, prefix="discounts")
    status = 200
    if request.method == "POST":
        valid = form.is_valid() & rule_set.is_valid() & discount_set.is_valid()
        if valid:
            kept_rules, kept_discounts = _rows(rule_set), _rows(discount_set)
            try:
                matrix = services.authority_matrix_publish(
                    actor=request.user, name=form.cleaned_data["name"], note=form.cleaned_data["note"],
                    rules=[row for _i, row in kept_rules],
                    discount_authorities=[row for _i, row in kept_discounts])
            except DomainError as exc:
                _place(exc, form, {"rules": (rule_set, [i for i, _row in kept_rules]),
                                   "discount_authorities": (discount_set, [i for i, _row in kept_discounts])})
            else:
                messages.success(request, _("Version %(v)s of the authority matrix is published.") % {"v": matrix.version})
                return redirect("opportunities:config-matrix")
        status = 422
    return render(request, "opportunities/config/matrix.html", {
        "matrix": current, "form": form, "rule_set": rule_set, "discount_set": discount_set,
        "matrices": selectors.matrix_list()[:20],
    }, status=status)


# --- price lists -----------------------------------------------------------------------------------


def _products() -> list[Any]:
    return list(selectors.product_list().select_related("offering_line"))


@login_required
def price_list_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = PriceListForm(request.POST or None, creating=True, products=_products())
    if request.method == "POST" and form.is_valid() and selectors.price_list_by_code(form.cleaned_data["code"]):
        form.add_error("code", _("A price list with this code exists: open it to change it."))
    if request.method == "POST" and form.is_valid():
        header = form.header_data()
        prices = {code: price for code, price in form.price_data().items() if price is not None}
        try:
            price_list = services.price_list_save(actor=request.user, prices=prices, **header)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Price list “%(name)s” saved.") % {"name": price_list.name})
            return redirect("opportunities:config-price-list", price_list.pk)
    lists = selectors.price_list_list().prefetch_related("items")
    return render(request, "opportunities/config/price_lists.html", {"price_lists": lists, "form": form},
                  status=422 if form.errors else 200)


@login_required
def price_list_edit(request: HttpRequest, price_list_id: Any) -> HttpResponse:
    _admin(request)
    price_list = _found(selectors.price_list_get(price_list_id))
    prices = {item.product_id: item.list_price for item in price_list.items.all()}
    products = _products()
    initial: dict[str, Any] = {"name": price_list.name, "currency": price_list.currency, "valid_from": price_list.valid_from,
                               "valid_to": price_list.valid_to, "active": price_list.active}
    initial.update({f"{PriceListForm.PRICE_PREFIX}{p.pk.hex}": prices.get(p.pk) for p in products})
    form = PriceListForm(request.POST or None, initial=initial, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_list_update(price_list=price_list, actor=request.user,
                                       prices=form.price_data(changed_only=True), **form.header_data(changed_only=True))
        except DomainError as exc:
            _place_prices(exc, form)
        else:
            messages.success(request, _("Price list saved."))
            return redirect("opportunities:config-price-list", price_list.pk)
    return render(request, "opportunities/config/price_list_form.html", {
        "price_list": price_list, "form": form, "timeline": core_events.timeline_labelled(price_list),
    }, status=422 if form.errors else 200)


def _place_prices(exc: DomainError, form: PriceListForm) -> None:
    by_code = {product.code: name for name, product in form.products.items()}
    rest = []
    for item in exc.errors or [{"field": exc.field or "", "reason": exc.detail}]:
        field = item.get("field") or ""
        if field.startswith("prices.") and field[7:] in by_code:
            form.add_error(by_code[field[7:]], item.get("reason"))
        else:
            rest.append(item)
    if rest:
        form.add_domain_error(DomainError("; ".join(str(i.get("reason")) for i in rest), errors=rest))


# --- products ----------------------------------------------------------------------------------------


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    """The catalogue with its list prices, and the form that adds a product."""
    _admin(request)
    form = ProductForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid() and selectors.product_by_code(form.cleaned_data["code"].strip()):
        form.add_error("code", _("A product with this code exists: open it to change it."))
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_save(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.label})
            return redirect("opportunities:config-product", product.pk)
    products = selectors.product_list(active_only=False).prefetch_related("prices__price_list")
    return render(request, "opportunities/config/products.html", {"products": products, "form": form,
                                                                   "wide": ProductForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def product_edit(request: HttpRequest, product_id: Any) -> HttpResponse:
    _admin(request)
    product = _found(selectors.product_get(product_id))
    names = list(ProductForm.base_fields)
    form = ProductForm(request.POST or None, initial={name: getattr(product, name) for name in names})
    if request.method == "POST" and form.is_valid():
        try:
            services.product_save(actor=request.user, **{**form.cleaned_data, "code": product.code})
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.label})
            return redirect("opportunities:config-product", product.pk)
    return render(request, "opportunities/config/product_form.html", {
        "product": product, "form": form, "wide": ProductForm.WIDE, "timeline": core_events.timeline_labelled(product),
    }, status=422 if form.errors else 200)
