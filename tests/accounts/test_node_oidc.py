"""Sign-in against node-oidc-provider (a certified OpenID Provider) with its default settings,
on loopback: the ID token carries only ``sub``, e-mail and name come from UserInfo (issue 14).

Needs Node.js and the npm package ``oidc-provider`` (a dev dependency in package.json); skipped
cleanly when either is missing. ``OIDC_PROVIDER_NODE_MODULES`` may point at another
``node_modules`` folder that has it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import requests

from civic import create_app
from civic.accounts import consent
from civic.accounts.models import User
from civic.extensions import db
from tests.conftest import FreshContextClient, _empty_tables, make_config

HERE = Path(__file__).resolve().parent
REDIRECT_URI = "http://localhost/login/oidc/node/callback"


def node_modules() -> Path | None:
    for candidate in (os.environ.get("OIDC_PROVIDER_NODE_MODULES"), HERE.parent.parent / "node_modules"):
        if candidate and (Path(candidate) / "oidc-provider" / "package.json").exists():
            return Path(candidate)
    return None


@pytest.fixture
def node_provider(tmp_path):
    node, modules = shutil.which("node"), node_modules()
    if node is None or modules is None:
        pytest.skip("node or the npm package oidc-provider is not installed")
    workdir = tmp_path / "op"
    workdir.mkdir()
    shutil.copy(HERE / "node_oidc_provider.mjs", workdir / "provider.mjs")
    (workdir / "node_modules").symlink_to(modules)
    process = subprocess.Popen([node, "provider.mjs", "civic-test", "s3cret", REDIRECT_URI], cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        issuer = None
        deadline = time.monotonic() + 60
        while issuer is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("ISSUER "):
                issuer = line.split()[1]
        if issuer is None:
            pytest.fail("node-oidc-provider did not start")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def node_app(tmp_path, node_provider):
    config = make_config(tmp_path, OIDC_PROVIDERS=[{
        "name": "node", "label": "node-oidc-provider",
        "metadata_url": f"{node_provider}/.well-known/openid-configuration",
        "client_id": "civic-test", "client_secret": "s3cret"}])
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def through_the_provider(authorize_url: str, login: str) -> str:
    """A browser at the provider: its development login and consent forms are submitted until
    it redirects back to civic. Returns that redirect."""
    browser = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(12):
        response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            location = urljoin(url, response.headers["Location"])
            if location.startswith(REDIRECT_URI):
                return location
            url, method, data = location, "GET", None
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', response.text, re.S)
        assert form, response.text[:500]
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(2)))
        if 'name="login"' in form.group(2):
            fields.update(login=login, password="anything")
        url, method, data = urljoin(url, unescape(form.group(1))), "POST", fields
    raise AssertionError("the provider never redirected back")


def test_sign_in_with_node_oidc_provider_gets_email_and_name(node_app):
    client = node_app.test_client()
    start = client.get("/login/oidc/node?next=/account")
    assert start.status_code == 302
    back = urlparse(through_the_provider(start.headers["Location"], "minji"))
    response = client.get(f"{back.path}?{back.query}")
    # A first sign-in: the personal-data notice, then the account.
    assert response.status_code == 302 and response.headers["Location"] == "/login/oidc/consent"
    response = client.post("/login/oidc/consent", data={
        "action": "accept", "privacy_consent": "y", "consent_version": consent.VERSIONS[consent.OIDC]})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    me = client.get("/api/v1/me").json
    assert me["email"] == "minji@example.org" and me["display_name"] == "Kim Minji"
    # The same subject maps to the same account.
    client.post("/logout")
    start = client.get("/login/oidc/node")
    back = urlparse(through_the_provider(start.headers["Location"], "minji"))
    client.get(f"{back.path}?{back.query}")
    assert client.get("/api/v1/me").json["id"] == me["id"]
    assert db.session.query(User).count() == 1
