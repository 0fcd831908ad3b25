"""/api/v1/notifications: the caller's own notifications, paged; marking one or all read."""

from m2c.core.notifications import Notification, notify


def _notes(user, count, prefix="通知"):
    return [notify(user, title=f"{prefix} {n}", body="申江大学", url="/leads/", email=False) for n in range(count)]


def test_the_list_is_paged_newest_first_and_only_mine(api, users):
    mine = _notes(users.ar, 3)
    _notes(users.ar_north, 2, prefix="别人的")

    first = api(users.ar).get("/notifications", {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 3 and body["pages"] == 2
    assert [n["id"] for n in body["items"]] == [mine[2].id, mine[1].id]
    second = api(users.ar).get("/notifications", {"page_size": 2, "page": 2}).json()
    assert [n["title"] for n in second["items"]] == ["通知 0"]
    assert all(n["read_at"] is None for n in body["items"] + second["items"])


def test_mark_one_read_then_filter_by_unread(api, users):
    notes = _notes(users.ar, 2)
    response = api(users.ar).post(f"/notifications/{notes[0].id}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = api(users.ar).get("/notifications", {"unread": "true"}).json()
    assert [n["id"] for n in unread["items"]] == [notes[1].id]
    read = api(users.ar).get("/notifications", {"unread": "false"}).json()
    assert [n["id"] for n in read["items"]] == [notes[0].id]


def test_another_users_notification_cannot_be_read_or_marked(api, users):
    theirs = _notes(users.ar_north, 1)[0]
    assert api(users.ar).get("/notifications").json()["items"] == []
    response = api(users.ar).post(f"/notifications/{theirs.id}/read")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_touches_only_mine(api, users):
    _notes(users.ar, 3)
    theirs = _notes(users.ar_north, 1)[0]
    response = api(users.ar).post("/notifications/read-all")
    assert response.json() == {"marked": 3}
    assert api(users.ar).post("/notifications/read-all").json() == {"marked": 0}
    assert not Notification.objects.filter(recipient=users.ar, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_no_credentials_no_notifications(client, users):
    _notes(users.ar, 1)
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401


def test_title_and_body_are_read_in_the_readers_language(api, users):
    """Issue 9: like the web page, the API renders a notification when it is read, in the reader's language."""
    from m2c.core.notifications import message

    notify(users.ar, title=message("New lead for you: %(title)s", title="申江大学 园区网络"),
           body=message("Accept or return it by %(due)s.", due="2027-03-01 18:00"), url="/leads/", email=False)
    chinese = api(users.ar).get("/notifications", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"][0]
    assert chinese["title"] == "分配给您的新线索：申江大学 园区网络"
    assert chinese["body"] == "请在 2027-03-01 18:00 前接受或退回。"
    english = api(users.ar).get("/notifications", HTTP_ACCEPT_LANGUAGE="en").json()["items"][0]
    assert english["title"] == "New lead for you: 申江大学 园区网络"
    assert english["body"] == "Accept or return it by 2027-03-01 18:00."
    # No header: the user's own language.
    users.ar.preferred_language = "zh-hans"
    users.ar.save(update_fields=["preferred_language"])
    assert api(users.ar).get("/notifications").json()["items"][0]["title"].startswith("分配给您的新线索")
    marked = api(users.ar).post(f"/notifications/{english['id']}/read", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert marked["title"] == chinese["title"]
