"""Hidden and unmoderated items leak through no public answer of the JSON API or Open311: not
in the items listed, nor in a total, a page count, an ordering or a published figure (issue 21).

Each test builds the public picture, takes what every face says about it, then adds the hidden
and moderated items (hidden, submitted and draft proposals, the most supported one hidden after
reaching its threshold, hidden comments, pending and hidden map points, a report an admin
removed) and checks that every face still says exactly the same.
"""

from __future__ import annotations

import pytest

from civic.extensions import db
from civic.participation import service
from tests.factories import make_user
from tests.participation.builders import make_proposal, make_staff

THRESHOLD = 3


@pytest.fixture
def app_config(tmp_path):
    from tests.conftest import make_config

    # A small threshold to reach it; figures computed on every request.
    return make_config(tmp_path, PROPOSAL_SUPPORT_THRESHOLD=THRESHOLD, STATS_CACHE_SECONDS=0,
                       PERSONAL_PUSH_QUIET_HOURS="")


def supported(proposal, n: int):
    for _ in range(n):
        service.support(make_user(), proposal.id)
    db.session.refresh(proposal)
    return proposal


def listing(client, query: str, per_page: int = 2) -> dict:
    """Every page of /api/v1/proposals with ``query``: ids in order, and the totals."""
    ids, page, headers = [], 1, {}
    while True:
        response = client.get(f"/api/v1/proposals?{query}&per_page={per_page}&page={page}")
        assert response.status_code == 200
        ids += [p["id"] for p in response.json]
        headers = response.headers
        if 'rel="next"' not in headers["Link"]:
            break
        page += 1
    last = [part for part in headers["Link"].split(", ") if part.endswith('rel="last"')][0]
    return {"ids": ids, "total": headers["X-Total-Count"], "pages": page, "last": last,
            "supports": [p["supports"] for p in client.get(f"/api/v1/proposals?{query}&per_page=100").json]}


QUERIES = ("sort=newest", "sort=supports", "sort=near_threshold", "sort=supports&category=transport",
           "sort=newest&status=published", "sort=supports&status=under_review")


def proposal_faces(client) -> dict:
    faces = {query: listing(client, query) for query in QUERIES}
    faces["stats"] = {days: client.get(f"/api/v1/stats/proposals?days={days}").json["items"] for days in (30, 365)}
    faces["stats.csv"] = client.get("/api/v1/stats/proposals.csv?days=30").get_data(as_text=True)
    return faces


def test_hidden_and_unmoderated_proposals_change_no_list_order_count_or_figure(client, departments):
    staff = make_staff()
    public = [supported(make_proposal(title=f"공개 제안 {n}", staff=staff), n) for n in (0, 1, 2)]
    reached = supported(make_proposal(title="기준 달성 제안", staff=staff), THRESHOLD)
    assert reached.status == "under_review"
    before = proposal_faces(client)
    assert before["sort=supports"]["ids"] == [reached.id, public[2].id, public[1].id, public[0].id]
    assert before["sort=supports"]["total"] == "4" and before["sort=supports"]["pages"] == 2

    # The most supported proposal of all, hidden after it reached the threshold ...
    top = supported(make_proposal(title="숨긴 제안", staff=staff), THRESHOLD + 2)
    assert top.status == "under_review" and top.supports_count == THRESHOLD + 2
    service.hide_proposal(staff, top.id, "개인정보가 들어 있습니다")
    # ... one hidden while collecting supports, one waiting for moderation, and a draft.
    service.hide_proposal(staff, supported(make_proposal(title="모으던 중 숨긴 제안", staff=staff), 2).id, "중복")
    assert make_proposal(title="검토 대기 제안", publish=False).status == "submitted"
    assert make_proposal(title="아직 쓰는 중인 초안", publish=False, submit=False).status == "draft"

    after = proposal_faces(client)
    for face, said in before.items():
        assert after[face] == said, face
    assert client.get(f"/api/v1/proposals/{top.id}").status_code == 404
    # The status filter does not reach hidden or unmoderated ones either.
    for status in ("hidden", "submitted", "draft"):
        assert client.get(f"/api/v1/proposals?status={status}").status_code == 422


def reached_threshold(client) -> dict:
    """Department code -> "reached the threshold", where not 0, in the last 30 days' figures."""
    rows = client.get("/api/v1/stats/proposals?days=30").json["items"]
    return {row["department"]["code"]: row["reached_threshold"] for row in rows if row["reached_threshold"] != 0}


def test_hidden_proposal_stays_out_of_the_figures_after_a_recount(client, departments):
    """``flask stats rebuild`` and ``check`` count hidden proposals as the live counters do."""
    from civic.stats.check import check
    from civic.stats.rebuild import rebuild

    staff = make_staff()
    top = supported(make_proposal(title="숨긴 제안", staff=staff), THRESHOLD)
    assert reached_threshold(client) == {top.department.code: "<5"}
    service.hide_proposal(staff, top.id, "개인정보가 들어 있습니다")
    assert reached_threshold(client) == {}
    rebuild()
    assert reached_threshold(client) == {}
    assert check() == []


def comments_faces(client, proposal_id: int) -> dict:
    pages, ids = [], []
    for page in (1, 2, 3):
        response = client.get(f"/api/v1/proposals/{proposal_id}/comments?per_page=2&page={page}")
        pages.append((response.headers["X-Total-Count"], response.headers["Link"]))
        ids += [c["id"] for c in response.json]
    return {"pages": pages, "ids": ids}


def test_hidden_comments_are_not_counted_for_citizens(client, departments):
    from tests.factories import bearer

    staff = make_staff()
    proposal = make_proposal(staff=staff)
    kept = [service.add_comment(make_user(), proposal.id, f"좋은 제안입니다 {n}").id for n in range(3)]
    before = comments_faces(client, proposal.id)
    assert before["ids"] == kept and before["pages"][0][0] == "3"
    for n in range(3):
        abusive = service.add_comment(make_user(), proposal.id, f"욕설 {n}")
        service.report_comment(make_user(), abusive.id, "욕설")
        service.hide_comment(staff, abusive.id, "욕설")
    assert comments_faces(client, proposal.id) == before
    # Signed in as a citizen (even the author of the proposal): the same.
    author = bearer(proposal.author)
    mine = client.get(f"/api/v1/proposals/{proposal.id}/comments?per_page=100", headers=author)
    assert mine.headers["X-Total-Count"] == "3" and [c["id"] for c in mine.json] == kept
    # Staff, who moderate, see all six and why three were hidden.
    moderated = client.get(f"/api/v1/proposals/{proposal.id}/comments?per_page=100", headers=bearer(staff))
    assert moderated.headers["X-Total-Count"] == "6"
    # Reported-and-hidden comments leave the reported queue.
    queue = client.get("/api/v1/staff/proposals/comments/reported", headers=bearer(staff))
    assert queue.headers["X-Total-Count"] == "0" and queue.json == []


def test_pending_and_hidden_map_points_stay_off_the_api(client, departments):
    from civic.reports import maps
    from tests.factories import bearer

    owner = make_user()
    cmap = maps.create_map(owner, "ramps", "경사로 지도", categories=["경사로"])
    published = maps.add_point(owner, cmap, category="경사로", name="시청역 경사로", lat=37.5657, lon=126.9769)
    before = client.get("/api/v1/maps/ramps").json
    assert [f["id"] for f in before["features"]] == [published.id]
    stranger = make_user()
    pending = maps.add_point(stranger, cmap, category="경사로", name="검토 대기", lat=37.5658, lon=126.977)
    assert pending.state == "pending"
    hidden = maps.add_point(owner, cmap, category="경사로", name="숨긴 지점", lat=37.5659, lon=126.9771)
    maps.moderate_point(owner, cmap, hidden.id, "hidden")
    assert client.get("/api/v1/maps/ramps").json == before
    # The owner asking through the API reads the public map too (moderation is on the page).
    assert client.get("/api/v1/maps/ramps", headers=bearer(owner)).json == before
    assert client.get(f"/api/v1/maps/{cmap.id}").json == before


def report_faces(client) -> dict:
    """What Open311 and the JSON API say about the reports: ids in order, totals, pages, figures."""
    faces = {}
    for fmt in ("json", "xml"):
        faces[f"open311.{fmt}"] = client.get(f"/open311/v2/requests.{fmt}").get_data(as_text=True)
    faces["open311.open"] = [r["service_request_id"] for r in client.get("/open311/v2/requests.json?status=open").json]
    for query in ("", "status=open", "service_code=pothole", "district_code=11680"):
        response = client.get(f"/api/v1/reports?per_page=1&{query}")
        everything = client.get(f"/api/v1/reports?per_page=100&{query}").json["features"]
        faces[f"api {query}"] = (response.headers["X-Total-Count"], response.headers["Link"],
                                 [f["id"] for f in everything])
    faces["duplicates"] = [f["id"] for f in client.get(
        "/api/v1/reports/duplicates?service_code=pothole&lat=37.5125&lon=127.0590").json["features"]]
    for table in ("reports-by-status", "reports-by-district", "reports-by-type"):
        faces[table] = client.get(f"/api/v1/stats/{table}?days=30").json["items"]
    return faces


def test_a_removed_report_leaves_open311_and_the_api_entirely(client, departments):
    """Reports are public from filing; moderation is an admin's removal (``remove_report``)."""
    import io

    from civic.reports import handling
    from civic.reports.models import Report
    from civic.reports.seed import seed
    from tests.reports.conftest import GANGNAM, JONGNO, file_report, png_bytes

    seed()
    citizen = make_user()
    kept = [file_report(citizen, description="횡단보도 옆 포트홀"), file_report(citizen, "fallen_tree", point=JONGNO)]
    before = report_faces(client)
    assert before["api "][0] == "2" and before["duplicates"] == [kept[0].id]

    removed = file_report(make_user(), description="개인정보가 찍힌 사진", point=GANGNAM,
                          photos=[io.BytesIO(png_bytes())])
    photo = client.get(f"/api/v1/reports/{removed.id}").json["properties"]["photos"][0]["url"]
    assert report_faces(client) != before
    handling.remove_report(make_user("admin"), db.session.get(Report, removed.id), "개인정보가 담긴 사진")

    assert report_faces(client) == before
    assert client.get(f"/open311/v2/requests/{removed.id}.json").status_code == 404
    assert client.get(f"/open311/v2/requests.json?service_request_id={removed.id}").json == []
    assert client.get(f"/api/v1/reports/{removed.id}").status_code == 404
    assert client.get(photo.replace("http://localhost", "")).status_code == 404
