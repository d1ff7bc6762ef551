"""/stats, /staff and /api/v1/stats/… over HTTP."""

import csv
import io

from tests.conftest import login
from tests.factories import make_user
from tests.stats.test_figures import make_petitions, make_reports


def test_stats_page_has_charts_tables_and_downloads(client, app, world):
    make_petitions(world)
    make_reports(world)
    page = client.get("/stats")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('<svg class="chart"') == 4 and 'role="img"' in html
    assert "열린 민원 통계" in html
    assert "공원녹지정책과" in html
    assert "/api/v1/stats/petitions.csv" not in html and "/open-data#stats" in html   # no developer formats here
    assert "/api/v1/stats/petitions.csv?days=90" in client.get("/open-data").get_data(as_text=True)
    assert client.get("/stats?days=365").status_code == 200
    assert client.get("/stats?days=7").status_code == 200  # falls back to the default window


def test_petitions_api_contract_and_csv(client, app, world):
    make_petitions(world)
    body = client.get("/api/v1/stats/petitions?days=90").get_json()
    assert body["days"] == 90 and set(body) == {"days", "since", "until", "items"}
    parks = next(i for i in body["items"] if i["department"]["code"] == "PARKS")
    assert set(parks) == {"department", "received", "answered", "median_working_days", "answered_on_time_share",
                          "overdue", "withheld"}
    assert set(parks["department"]) == {"code", "name_ko", "name_en"}
    assert parks["received"] == 10 and parks["overdue"] == "<5"

    response = client.get("/api/v1/stats/petitions.csv?days=90")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    parks_row = next(r for r in rows if r["department_code"] == "PARKS")
    assert parks_row["received"] == "10" and parks_row["overdue"] == "<5"

    bad = client.get("/api/v1/stats/petitions?days=10")
    assert bad.status_code == 422 and "days" in bad.get_json()["errors"]


def test_every_table_is_json_and_csv_and_documented(client, app, world):
    from civic.stats.tables import TABLES

    spec = client.get("/api/v1/openapi.json").get_json()
    for name in TABLES:
        assert client.get(f"/api/v1/stats/{name}").status_code == 200
        assert client.get(f"/api/v1/stats/{name}.csv").mimetype == "text/csv"
        assert f"/api/v1/stats/{name}" in spec["paths"] and f"/api/v1/stats/{name}.csv" in spec["paths"]


def test_staff_see_their_department_and_what_is_due_soon(client, app, world):
    from datetime import timedelta

    from civic.db import unit_of_work, utcnow
    from civic.petitions import service as petitions

    filed = petitions.file_petition(make_user(), type_code="parks", title="Bench", body="Broken.")
    with unit_of_work():
        filed.due_at = utcnow() + timedelta(hours=3)
    make_user("staff", "PARKS", email="parks@example.org")
    make_user("staff", "ROADS", email="roads@example.org")
    login(client, "parks@example.org")
    html = client.get("/staff").get_data(as_text=True)
    assert filed.receipt_no in html and "dept-stats-title" in html
    client.post("/logout")
    login(client, "roads@example.org")
    html = client.get("/staff").get_data(as_text=True)
    assert filed.receipt_no not in html and "dept-stats-title" in html
