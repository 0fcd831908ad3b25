"""The sales structure from a file (``m2c import org FILE``): org units (teams, offices, regions) with
their parent and manager, and the users in them with their roles.

One row may name a unit, a user, or both (a user in that unit; "manager: yes" makes the user the unit's
manager). Units are created or updated by code, users by username; importing the file again changes
nothing. A parent or unit type that is not known is reported on the row. Users are created without a
usable password: an administrator sets or resets it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import OrgUnit, Role, User
from m2c.core.services import diff_value, user_create

from .mapping import BOOL, CODE, Field, Schema, labels_both


class OrgUnitImported(events.EventPayload):
    """A unit created (its code), changed (``changes``: ``{field: [old, new]}``) or given a manager by an import."""

    source: str
    code: str | None = None
    changes: events.Diff | None = None
    manager: str | None = None


class UserImported(events.EventPayload):
    """A user changed by an import: ``changes`` as ``{field: [old, new]}`` and the roles it added."""

    source: str
    changes: events.Diff
    roles_added: list[str]


ORG_UNIT_IMPORTED = events.register("core.orgunit.imported", gettext_lazy("Org unit created or changed by an import"),
                                    OrgUnitImported)
USER_IMPORTED = events.register("core.user.imported", gettext_lazy("User changed by an import"), UserImported)

TYPE_WORDS = {
    OrgUnit.Type.HQ: ["总部", "headquarters", "hq"], OrgUnit.Type.REGION: ["大区", "区域", "地区部", "region"],
    OrgUnit.Type.REP_OFFICE: ["办事处", "代表处", "分公司", "office", "branch", "team", "团队"],
    OrgUnit.Type.CUSTOMER_GROUP: ["客户群", "行业部", "customer group"],
    OrgUnit.Type.STRATEGY_CENTER: ["市场策略中心"], OrgUnit.Type.CAMPAIGN_CENTER: ["营销中心", "活动中心"],
    OrgUnit.Type.ENABLEMENT_CENTER: ["销售赋能中心"],
}
ROLE_WORDS = {
    Role.MARKETING: ["市场", "营销"], Role.AR: ["客户经理", "account manager", "sales"], Role.SR: ["解决方案经理", "售前", "presales"],
    Role.FR: ["交付经理", "交付"], Role.FINANCE: ["财务"], Role.DECISION_TEAM: ["决策团队"], Role.EXECUTIVE: ["高管", "管理层"],
    Role.ADMINISTRATOR: ["管理员", "admin"], Role.PARTNER: ["合作伙伴"],
}


def _types() -> dict[str, list[str]]:
    words = labels_both(OrgUnit.Type)
    for code, extra in TYPE_WORDS.items():
        words.setdefault(str(code), []).extend(extra)
    return words


SCHEMA = Schema([
    Field("unit_code", gettext_lazy("Unit code"), ("部门编码", "组织编码", "团队编码", "unitcode", "orgcode", "teamcode", "code")),
    Field("unit_name", gettext_lazy("Unit name"), ("部门", "部门名称", "组织", "团队", "团队名称", "unitname", "orgunit", "team",
          "teamname", "department")),
    Field("unit_name_en", gettext_lazy("Unit name in English"), ("英文名称", "unitnameen", "englishname")),
    Field("unit_type", gettext_lazy("Unit type"), ("类型", "组织类型", "unittype", "type"), CODE, _types),
    Field("parent", gettext_lazy("Parent unit (code)"), ("上级", "上级部门", "上级编码", "parent", "parentcode", "parentunit")),
    Field("username", gettext_lazy("Username"), ("账号", "用户名", "工号", "username", "login", "userid")),
    Field("display_name", gettext_lazy("Display name"), ("姓名", "名字", "displayname", "fullname", "name")),
    Field("email", gettext_lazy("Email"), ("邮箱", "电子邮箱", "email", "mail")),
    Field("phone", gettext_lazy("Phone"), ("手机", "电话", "phone", "mobile")),
    Field("roles", gettext_lazy("Roles"), ("角色", "岗位", "roles", "role")),
    Field("manager", gettext_lazy("Manages the unit"), ("是否负责人", "负责人", "主管", "manager", "ismanager"), BOOL),
], need_one_of=("unit_code", "username"), strict_codes=True)


def _roles(text: str) -> list[str]:
    index: dict[str, str] = {}
    for code, words in ROLE_WORDS.items():
        for word in (code, *words, *labels_both(Role).get(str(code), [])):
            index[str(word).strip().casefold()] = str(code)
    roles = []
    for part in text.replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code = index.get(part.casefold())
        if code is None:
            raise ValidationFailed(_("“%(v)s” is not a role.") % {"v": part[:40]}, field="roles")
        roles.append(code)
    return roles


class OrgClient:
    kind = "org"
    schema = SCHEMA
    roles = (Role.ADMINISTRATOR,)

    def begin(self, job: Any, *, actor: Any) -> None:
        if actor is not None and not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
            raise PermissionDenied(_("Only an administrator can import the organisation."))
        self.source = job.file_name

    @transaction.atomic
    def row(self, data: dict[str, Any], *, actor: Any, job: Any) -> str:
        outcomes = []
        unit = None
        if data.get("unit_code"):
            unit, outcome = self._unit(data, actor=actor)
            outcomes.append(outcome)
        if data.get("username"):
            outcomes.append(self._user(data, unit, actor=actor))
        if "created" in outcomes:
            return "created"
        return "updated" if "updated" in outcomes else "merged"

    def _unit(self, data: dict[str, Any], *, actor: Any) -> tuple[OrgUnit, str]:
        code = str(data["unit_code"]).strip().lower()
        parent = None
        if data.get("parent"):
            parent = OrgUnit.objects.filter(code=str(data["parent"]).strip().lower()).first()
            if parent is None:
                raise ValidationFailed(_("No parent unit “%(v)s” (list parents before their children).")
                                       % {"v": data["parent"]}, field="parent")
        unit = OrgUnit.objects.filter(code=code).first()
        wanted = {"name": data.get("unit_name") or (unit.name if unit else code), "parent": parent or (unit.parent if unit else None),
                  "type": data.get("unit_type") or (unit.type if unit else OrgUnit.Type.REP_OFFICE)}
        if data.get("unit_name_en"):
            wanted["name_en"] = data["unit_name_en"]
        if unit is None:
            from django.utils.text import slugify

            if slugify(code) != code or len(code) > 40:
                raise ValidationFailed(_("A unit code is letters, digits and dashes (at most 40)."), field="unit_code")
            unit = OrgUnit.objects.create(code=code, **wanted)
            events.record(ORG_UNIT_IMPORTED, unit, actor=actor, payload={"code": code, "source": self.source}, to_state="created")
            return unit, "created"
        changes = {k: v for k, v in wanted.items() if getattr(unit, k) != v}
        if changes:
            diff = {k: [diff_value(getattr(unit, k)), diff_value(v)] for k, v in changes.items()}
            for key, value in changes.items():
                setattr(unit, key, value)
            unit.save()
            events.record(ORG_UNIT_IMPORTED, unit, actor=actor, payload={"code": code, "source": self.source, "changes": diff})
            return unit, "updated"
        return unit, "merged"

    def _user(self, data: dict[str, Any], unit: OrgUnit | None, *, actor: Any) -> str:
        username = str(data["username"]).strip()
        roles = _roles(str(data.get("roles") or ""))
        user = User.objects.filter(username=username).first()
        outcome = "merged"
        if user is None:
            user = user_create(username=username, password=None, email=str(data.get("email") or ""),
                               display_name=str(data.get("display_name") or ""), roles=roles, org_unit=unit, actor=actor)
            outcome = "created"
        else:
            changes = {}
            if unit is not None and user.org_unit_id != unit.pk:
                changes["org_unit"] = unit
            for key in ("display_name", "email", "phone"):
                if data.get(key) and getattr(user, key) != data[key]:
                    changes[key] = data[key]
            missing = [r for r in roles if r not in user.roles]
            if changes or missing:
                diff = {k: [diff_value(getattr(user, k)), diff_value(v)] for k, v in changes.items()}
                for key, value in changes.items():
                    setattr(user, key, value)
                user.save()
                if missing:
                    from django.contrib.auth.models import Group

                    user.groups.add(*[Group.objects.get_or_create(name=r)[0] for r in missing])
                events.record(USER_IMPORTED, user, actor=actor, payload={
                    "source": self.source, "changes": diff, "roles_added": missing})
                outcome = "updated"
        if data.get("manager") and unit is not None and unit.manager_id != user.pk:
            unit.manager = user
            unit.save(update_fields=["manager"])
            events.record(ORG_UNIT_IMPORTED, unit, actor=actor, payload={"manager": username, "source": self.source})
            outcome = "updated" if outcome == "merged" else outcome
        return outcome


CLIENT = OrgClient()
