"""The sales structure from a file: units with parents and managers, users with roles; idempotent."""

from __future__ import annotations

import json

import pytest

from m2c.cli import main
from m2c.core.models import Event, ImportJob, OrgUnit, User

pytestmark = pytest.mark.django_db

ORG = (
    "团队编码,团队名称,类型,上级编码,账号,姓名,邮箱,角色,是否负责人\n"
    "south,华南地区部,大区,hq,,,,,\n"
    "ro-shenzhen,深圳代表处,办事处,south,wang.fang,王芳,wf@example.cn,客户经理,是\n"
    "ro-shenzhen,深圳代表处,办事处,south,liu.yang,刘洋,ly@example.cn,\"ar, sr\",否\n"
    "ro-xiamen,厦门代表处,办事处,nowhere,,,,,\n"
    ",,,,chen.jing,陈静,cj@example.cn,交付经理,\n"
)


def test_org_units_and_users_are_created_from_a_file_once(org, tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(ORG.encode("gbk"))
    assert main(["import", "org", str(path)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["created"] == 4 and summary["rejected"] == 1
    shenzhen = OrgUnit.objects.get(code="ro-shenzhen")
    assert shenzhen.parent.code == "south" and shenzhen.path == "/hq/south/ro-shenzhen/" and shenzhen.type == "rep_office"
    assert shenzhen.manager.username == "wang.fang"
    liu = User.objects.get(username="liu.yang")
    assert liu.org_unit == shenzhen and liu.roles == {"ar", "sr"} and not liu.has_usable_password()
    assert User.objects.get(username="chen.jing").roles == {"fr"}
    job = ImportJob.objects.get(kind="org")
    assert "No parent unit “nowhere”" in job.errors.get().message
    assert Event.objects.filter(event_type="core.orgunit.imported").exists()
    assert main(["import", "org", str(path)]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["created"] == 0 and again["updated"] == 0 and again["merged"] == 4
    assert OrgUnit.objects.filter(code="ro-shenzhen").count() == 1 and User.objects.filter(username="liu.yang").count() == 1
    # A changed file updates, and each event names the change as {field: [old, new]} (the one diff convention).
    path.write_bytes(ORG.replace("深圳代表处", "深圳办事处").replace("刘洋,ly@", "刘阳,ly@").encode("gbk"))
    assert main(["import", "org", str(path)]) == 0
    unit_event = Event.objects.filter(event_type="core.orgunit.imported", subject_id=str(shenzhen.pk)).latest("id")
    assert unit_event.payload["changes"] == {"name": ["深圳代表处", "深圳办事处"]}
    user_event = Event.objects.filter(event_type="core.user.imported", subject_id=str(liu.pk)).latest("id")
    assert user_event.payload["changes"] == {"display_name": ["刘洋", "刘阳"]} and user_event.payload["roles_added"] == []


def test_the_sweep_deletes_uploads_nobody_will_import_and_marks_dead_jobs(users, tmp_path, settings):
    import datetime as dt
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from m2c.core.imports import uploads
    from m2c.core.tasks import import_sweep

    settings.MEDIA_ROOT = tmp_path

    def stored() -> Path:
        return uploads.receive(SimpleUploadedFile("org.csv", ORG.encode()), kind="org", actor=users.admin,
                               roles=("administrator",)).path

    done = ImportJob.objects.create(kind="org", file_name="a", file_path=str(stored()), status="done")
    old = ImportJob.objects.create(kind="org", file_name="b", file_path=str(stored()), status="uploaded",
                                   created_at=timezone.now() - dt.timedelta(days=30))
    fresh = ImportJob.objects.create(kind="org", file_name="c", file_path=str(stored()), status="uploaded")
    dead = ImportJob.objects.create(kind="org", file_name="d", file_path=str(stored()), status="running",
                                    worker="elsewhere:1", heartbeat_at=timezone.now() - dt.timedelta(hours=2))
    assert import_sweep() == 1
    assert ImportJob.objects.get(pk=dead.pk).status == "interrupted" and Path(dead.file_path).exists()
    assert not Path(done.file_path).exists() and not Path(old.file_path).exists() and Path(fresh.file_path).exists()
    assert uploads.folder().stat().st_mode & 0o777 == 0o700
