"""OpenID Connect providers from ``OIDC_PROVIDERS``.

Each entry: ``{"name": "kakao", "metadata_url": ".../.well-known/openid-configuration",
"client_id": "...", "client_secret": "...", "label": "Kakao", "scope": "openid email profile"}``.
Authlib performs the authorization-code flow with PKCE (S256), keeps ``state`` and ``nonce`` in
the session and checks both, and validates the ID token against the provider's JWKS.
"""

from __future__ import annotations

from flask import Flask

from civic.extensions import oauth


def register_providers(app: Flask) -> None:
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
            overwrite=True,
        )


def providers(app: Flask) -> list[dict]:
    return [{"name": p["name"], "label": p.get("label", p["name"])} for p in app.config["OIDC_PROVIDERS"]]


def client(name: str):
    return oauth.create_client(name)
