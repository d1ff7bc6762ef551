"""``next`` never leaves the site, read the way a browser reads a ``Location`` header
(issue 14: ``/lang/en?next=/%09/evil.example`` answered ``//evil.example``; ``/%0d/x`` a 500)."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.conftest import login
from tests.factories import PASSWORD, make_user

HOSTILE = [
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", " //evil.example",
    "//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
    "https://evil.example/", "https:evil.example", "javascript:alert(1)", "\x00//evil.example",
    "/\r\nSet-Cookie: x=1", "\x01//evil.example", "///evil.example", "/\x0b/evil.example",
    "http:/\\evil.example", "/%09/evil.example",
]


def browser_reads(location: str, base: str = "https://civic.example/page") -> str:
    """Where a browser goes for this Location (WHATWG URL: leading/trailing C0 controls and
    spaces stripped, tab and newlines removed, backslash read as slash)."""
    value = location.strip("".join(chr(c) for c in range(0x21)))
    value = value.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(base, value)


def assert_stays_home(response) -> None:
    if response.status_code == 422:  # a NUL anywhere in a request is refused outright
        assert "Location" not in response.headers
        return
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in location), repr(location)
    assert urlsplit(browser_reads(location)).netloc == "civic.example", repr(location)


def test_language_switch(client):
    for target in HOSTILE:
        assert_stays_home(client.get(f"/lang/en?next={quote(target, safe='')}"))
        assert_stays_home(client.post("/lang/ko", data={"next": target}))


def test_display_switch(client):
    for target in HOSTILE:
        assert_stays_home(client.get(f"/display/large?next={quote(target, safe='')}"))


def test_sign_in(client):
    make_user(email="c@example.org")
    for target in HOSTILE:
        assert_stays_home(client.post("/login", data={"email": "c@example.org", "password": PASSWORD,
                                                      "next": target}))


def test_staff_bulk_assign(client, departments):
    make_user(role="staff", department="CIVIL-AFFAIRS", email="s@example.org")
    login(client, "s@example.org")
    for target in HOSTILE:
        assert_stays_home(client.post("/staff/petitions/bulk-assign", data={"next": target}))


@pytest.mark.parametrize("target", ["/account", "/petitions?page=2", "/places?category=toilet&lat=37.5",
                                    "/검색", "/alerts#guides"])
def test_local_paths_are_still_followed(client, target):
    response = client.get(f"/lang/en?next={quote(target, safe='')}")
    assert browser_reads(response.headers["Location"]) == urljoin("https://civic.example/",
                                                                  quote(target, safe="/?=&#%"))
