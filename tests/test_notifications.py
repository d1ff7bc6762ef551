from civic.db import unit_of_work
from civic.notifications import service
from civic.notifications.models import Notification
from tests.conftest import login
from tests.factories import make_user


def test_notify_writes_in_the_callers_transaction(app, db):
    user = make_user()
    try:
        with unit_of_work():
            service.notify(user, "test", "Hello")
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass
    assert db.session.query(Notification).count() == 0
    with unit_of_work():
        service.notify(user, "test", "Hello", "Body", "/somewhere")
    assert service.unread_count(user) == 1


DELIVERED: list = []


def deliver_to_list(event):
    DELIVERED.append(event)


def test_channels_are_after_commit_subscriptions_to_notification_created(app, db):
    from civic import events

    DELIVERED.clear()
    events.subscribe(app, events.NotificationCreated, deliver_to_list, after_commit=True)
    user = make_user()
    try:
        with unit_of_work():
            service.notify(user, "test", "Rolled back")
            raise RuntimeError
    except RuntimeError:
        pass
    assert DELIVERED == []
    with unit_of_work():
        note = service.notify(user, "test", "Committed")
    assert DELIVERED == [events.NotificationCreated(note.id, user.id)]
    DELIVERED.clear()


def test_notifications_page_and_mark_read(client, db):
    user = make_user(email="n@example.org")
    other = make_user()
    with unit_of_work():
        service.notify(user, "test", "Your report was updated", url="/reports/1")
        service.notify(other, "test", "Not for you")
    login(client, "n@example.org")
    html = client.get("/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your report was updated" in html and "Not for you" not in html
    client.post("/notifications/read")
    assert service.unread_count(user) == 0 and service.unread_count(other) == 1


def test_empty_state(client):
    make_user(email="n@example.org")
    login(client, "n@example.org")
    html = client.get("/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You have no notifications yet." in html
