"""The campaigns demo checks people in through the check-in service (brief `journey` gap 6), so every
attendance has its registration event and attendance response, as a QR scan at the door leaves them."""

import pytest

from m2c.campaigns import demo
from m2c.campaigns.models import CampaignResponse, Registration
from m2c.core.models import Event
from m2c.demo import load_reference, load_users

pytestmark = pytest.mark.django_db


def test_demo_attendance_goes_through_the_check_in_service():
    load_reference()
    load_users()
    demo.load(progress=False)
    attended = list(Registration.objects.filter(status="ATTENDED").order_by("name"))
    assert [r.name for r in attended] == ["李伟", "王芳"]
    for registration in attended:
        event = Event.objects.get(event_type="campaigns.registration.checked_in", subject_id=str(registration.pk))
        assert (event.from_state, event.to_state) == ("REGISTERED", "ATTENDED")
        assert event.actor is not None and event.actor.has_role("marketing")
        assert registration.checked_in_by == event.actor
        assert registration.checked_in_at.date() == registration.campaign.start_date
        attendance = CampaignResponse.objects.get(registration=registration, type="attendance")
        assert (attendance.source, attendance.responded_at) == ("check_in", registration.checked_in_at)
    assert Registration.objects.filter(status="REGISTERED").count() == 3
    # Loading again checks nobody in twice and adds no response.
    responses = CampaignResponse.objects.count()
    demo.load(progress=False)
    assert CampaignResponse.objects.count() == responses
    assert Event.objects.filter(event_type="campaigns.registration.checked_in").count() == 2
