"""OpenID Connect providers from ``OIDC_PROVIDERS``.

Each entry: ``{"name": "kakao", "metadata_url": ".../.well-known/openid-configuration",
"client_id": "...", "client_secret": "...", "label": "Kakao", "scope": "openid email profile"}``.
Authlib performs the authorization-code flow with PKCE (S256), keeps ``state`` and ``nonce`` in
the session and checks both, and validates the ID token against the provider's JWKS.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app


def register_providers(app: Flask) -> None:
    # One registry per app: provider metadata and clients must not leak between apps in one
    # process (tests, or several apps behind one dispatcher).
    oauth = OAuth(app)
    app.extensions["civic_oauth"] = oauth
    for provider in app.config["OIDC_PROVIDERS"]:
        oauth.register(
            name=provider["name"],
            server_metadata_url=provider["metadata_url"],
            client_id=provider["client_id"],
            client_secret=provider.get("client_secret"),
            client_kwargs={
                "scope": provider.get("scope", "openid email profile"),
                "code_challenge_method": "S256",
                "timeout": 10,
            },
        )


def providers(app: Flask) -> list[dict]:
    return [{"name": p["name"], "label": p.get("label", p["name"])} for p in app.config["OIDC_PROVIDERS"]]


def client(name: str):
    return current_app.extensions["civic_oauth"].create_client(name)
