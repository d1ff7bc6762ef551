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


def test_channels_run_after_commit_only(app, db):
    delivered = []
    service.register_channel(delivered.append)
    try:
        user = make_user()
        try:
            with unit_of_work():
                service.notify(user, "test", "Rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
        assert delivered == []
        with unit_of_work():
            service.notify(user, "test", "Committed")
        assert [n.title for n in delivered] == ["Committed"]
    finally:
        service._channels.remove(delivered.append)


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
