import pytest

from civic.errors import PROBLEM_JSON


def test_home_is_korean_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert "서울 시민참여" in html


def test_home_follows_accept_language(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Civic Seoul" in html


def test_language_switch_is_remembered_and_only_follows_local_paths(client):
    response = client.get("/lang/en?next=/offline")
    assert response.status_code == 302 and response.headers["Location"] == "/offline"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    evil = client.get("/lang/ko?next=//evil.example/")
    assert evil.headers["Location"] == "/"
    assert '<html lang="ko">' in client.get("/").get_data(as_text=True)


def test_manifest_is_localised(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert response.mimetype == "application/manifest+json"
    assert response.json["name"] == "Civic Seoul"
    assert {icon["sizes"] for icon in response.json["icons"]} == {"192x192", "512x512"}
    assert client.get("/manifest.webmanifest").json["lang"] == "ko"


def test_service_worker_is_served_from_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "/offline" in response.get_data(as_text=True)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured",
                             "mail": {"failed": 0, "overdue": 0}}


def test_healthz_reports_unreachable_redis(app_config, tmp_path):
    from civic import create_app
    from civic.extensions import db

    app_config.update(REDIS_URL="redis://127.0.0.1:1/0")
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json["redis"].startswith("error")


def test_page_404_is_a_friendly_page_in_the_users_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page." in response.get_data(as_text=True)
    ko = client.get("/no-such-page").get_data(as_text=True)
    assert "페이지를 찾을 수 없습니다" in ko


def test_api_404_and_405_are_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == 404 and response.json["title"] == "Not Found"
    response = client.delete("/api/v1/departments")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM_JSON
    assert "GET" in response.headers["Allow"]


@pytest.mark.fresh_app  # adds routes
def test_unexpected_errors_never_leak_a_stack_trace(app, client):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    @app.route("/boom")
    def boom_page():
        raise RuntimeError("secret internals /etc/passwd")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM_JSON
    assert "secret" not in response.get_data(as_text=True)
    page = client.get("/boom")
    assert page.status_code == 500 and "secret" not in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_citizen_pages_name_no_developer_format_and_open_data_lists_them(client, app, departments):
    """"CAP 1.2 XML", "Atom", "CSV · JSON" belong on the open data page, not on citizen pages."""
    from tests.participation.builders import close_now, make_poll

    poll = make_poll(options=("찬성", "반대"))
    close_now(poll)
    for path in ("/alerts", f"/polls/{poll.id}", "/stats"):
        html = client.get(path, headers={"Accept-Language": "ko"}).get_data(as_text=True)
        main = html.split('<main', 1)[1].split("</main>", 1)[0]
        for word in ("CAP 1.2", "Atom", ">CSV<", ">JSON<", ".csv"):
            assert word not in main, (path, word)
        assert "/open-data#" in main, path
    open_data = client.get("/open-data").get_data(as_text=True)
    assert f"/polls/{poll.id}/results.csv" in open_data and "/api/v1/stats/petitions.csv" in open_data
    assert "/api/v1/alerts/feed" in open_data or "CAP" in open_data
