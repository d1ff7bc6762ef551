"""OpenID Connect providers from ``OIDC_PROVIDERS``.

Each entry: ``{"name": "kakao", "metadata_url": ".../.well-known/openid-configuration",
"client_id": "...", "client_secret": "...", "label": "Kakao", "scope": "openid email profile"}``.
Authlib performs the authorization-code flow with PKCE (S256), keeps ``state`` and ``nonce`` in
the session and checks both, and validates the ID token against the provider's JWKS.

Many providers (node-oidc-provider by default, OIDC Core §5.4) put the claims of the ``email``
and ``profile`` scopes only in the UserInfo answer, not in the ID token: when the ID token lacks
them, :func:`claims_for` asks the UserInfo endpoint with the access token and merges the answer
(``civic.accounts.service.merge_userinfo`` checks that it is about the same subject).
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


# Claims civic uses beyond ``sub``; when the ID token lacks one, UserInfo is asked.
WANTED_CLAIMS = ("email", "email_verified", "name")


def claims_for(client, token: dict) -> dict:
    """The end-user's claims: the validated ID token's, completed from UserInfo when needed.
    Raises ``ValidationFailed`` when UserInfo speaks of another subject, and the HTTP client's
    errors when the provider cannot be reached."""
    from civic.accounts.service import merge_userinfo

    claims = dict(token.get("userinfo") or {})
    if not claims or all(claims.get(name) not in (None, "") for name in WANTED_CLAIMS):
        return claims
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    return merge_userinfo(claims, dict(client.userinfo(token=token)))
