import re
from pathlib import Path

from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parent.parent / "mobile_web" / "templates"


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/departments", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age" in client.get("/", base_url="https://civic.example").headers["Strict-Transport-Security"]


def test_no_template_has_inline_script():
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            # A JSON data block is data, never run (the CSP allows no inline script either way).
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=\"", template.read_text()), f"inline handler in {template}"


def test_session_cookie_is_httponly_and_samesite(client, app):
    make_user(email="c@example.org")
    response = client.post("/login", data={"email": "c@example.org", "password": "correct horse battery"})
    session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(session_cookie + "=")]
    assert cookies, response.headers.getlist("Set-Cookie")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_pages_are_compressed(client):
    for encoding in ("br", "gzip"):
        response = client.get("/", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]


def test_static_files_are_fingerprinted_and_cached_long(client):
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"


def test_pages_answer_304_when_unchanged(client):
    first = client.get("/")
    etag = first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/", headers={"If-None-Match": '"other"'}).status_code == 200


def test_large_text_display_is_remembered_on_the_device(client):
    response = client.get("/display/large?next=/")
    assert "display=large" in response.headers["Set-Cookie"]
    assert '<body class="large-text' in client.get("/").get_data(as_text=True)
    client.get("/display/normal")
    assert '<body class="large-text' not in client.get("/").get_data(as_text=True)


def test_backup_copies_the_sqlite_database(runner, app, tmp_path):
    import sqlite3

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        result = runner.invoke(args=["backup"])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    make_user(email="kept@example.org")
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    rows = sqlite3.connect(target).execute("select email from users").fetchall()
    assert rows == [("kept@example.org",)]


def test_every_api_route_is_in_the_openapi_document(app, client):
    spec = client.get("/api/v1/openapi.json").json
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(("api-docs.", "api_docs.")):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in spec["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_api_docs_page_lists_operations(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/me" in html and "openapi.json" in html


def _sample_path(rule) -> str:
    from werkzeug.routing.converters import AnyConverter, NumberConverter

    def sample(converter):
        if isinstance(converter, NumberConverter):
            return 1
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        return "x"

    values = {name: sample(converter) for name, converter in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def test_every_json_answer_to_a_signed_in_person_is_no_store(app, client):
    """Generated from the URL map, so a new private JSON route is covered without a list: every
    JSON answer read with a session cookie is never stored by the browser or a shared cache."""
    make_user(email="reader@example.org")
    assert client.post("/login", data={"email": "reader@example.org",
                                       "password": "correct horse battery"}).status_code in (302, 303)
    checked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = _sample_path(rule)
        response = client.get(path)
        if response.mimetype in {"application/json", "application/problem+json", "application/geo+json"}:
            assert response.headers.get("Cache-Control") == "no-store", (path, response.headers.get("Cache-Control"))
            checked.append(path)
    assert "/api/v1/me/devices" in checked
    assert len(checked) > 20


def test_public_json_read_anonymously_may_be_cached(client):
    response = client.get("/api/v1/alerts")
    assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"
