"""Double-submit protection of the community-map point form (``civic.idempotency``): the same
form posted twice adds one point, and the second post lands on the map with the confirmation."""

from __future__ import annotations

import re

from civic.reports import maps
from civic.reports.models import MapPoint
from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import JONGNO

EN = {"Accept-Language": "en"}


def test_a_point_form_posted_twice_adds_one_point(client, catalog, db):
    owner = make_user()
    maps.create_map(owner, title="Safe routes", slug="safe-routes", categories=["bell"], contribution="open")
    login(client, make_user().email)
    page = client.get("/maps/safe-routes/points/new").get_data(as_text=True)
    match = re.search(r'<input[^>]*name="client_token"[^>]*value="([^"]+)"', page)
    assert match, "the form has no client_token"
    form = {"category": "bell", "name": "Bell at the park", "lat": str(JONGNO[0]), "lon": str(JONGNO[1]),
            "client_token": match.group(1)}

    first = client.post("/maps/safe-routes/points/new", data=form)
    second = client.post("/maps/safe-routes/points/new", data=form, headers=EN)
    assert db.session.query(MapPoint).count() == 1
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == "/maps/safe-routes"
    assert "Thank you. The point will appear once the map&#39;s owner approves it." in client.get(
        second.headers["Location"], headers=EN).get_data(as_text=True)

    changed = client.post("/maps/safe-routes/points/new", data={**form, "name": "Another bell"}, headers=EN)
    assert changed.status_code == 422 and db.session.query(MapPoint).count() == 1
