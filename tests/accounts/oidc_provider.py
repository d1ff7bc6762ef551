"""A real OpenID Connect provider for tests, built on Authlib's server side.

It runs on loopback in a thread, publishes discovery metadata and a JWKS, auto-approves the
authorization request for the configured end-user (there is no login UI to drive) and issues
RS256-signed ID tokens. PKCE (S256) is verified on the token request. It records every
authorization request so tests can check what the client sent.

``claims_in_userinfo_only`` makes it behave like node-oidc-provider's defaults (and OIDC Core
§5.4): the ID token carries only ``sub``; e-mail and name come from the UserInfo endpoint, which
takes the access token as a bearer token.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class OidcProvider:
    def __init__(self, end_user: dict | None = None):
        self.end_user = end_user or {"sub": "user-123", "email": "minji@example.org",
                                     "email_verified": True, "name": "Kim Minji"}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.nonce_override: str | None = None     # to issue an ID token with a wrong nonce
        self.claims_in_userinfo_only = False       # ID token: sub only; the rest from /userinfo
        self.userinfo_sub_override: str | None = None  # to answer UserInfo for another subject
        self.access_tokens: dict[str, dict] = {}
        self.userinfo_requests = 0
        self.app = self._build_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def add_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = Client(client_id, client_secret, [redirect_uri])

    def _build_app(self) -> Flask:
        provider = self
        app = Flask("oidc-test-provider")
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 600}

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, req):
                payload = req.payload
                provider.codes[code] = AuthorizationCode(
                    code=code, client_id=req.client.client_id, redirect_uri=payload.redirect_uri,
                    scope=req.scope, user=req.user, nonce=payload.data.get("nonce"),
                    code_challenge=payload.data.get("code_challenge"),
                    code_challenge_method=payload.data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                if item and item.client_id == client.client_id:
                    return item
                return None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, req):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def generate_user_info(self, user, scope):
                if provider.claims_in_userinfo_only:
                    return UserInfo(sub=user["sub"])
                return UserInfo(**user)

            def get_authorization_code_claims(self, authorization_code):
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.nonce_override is not None:
                    claims["nonce"] = provider.nonce_override
                return claims

        def save_token(token, req):
            provider.access_tokens[token["access_token"]] = dict(req.user)

        server = AuthorizationServer(app, query_client=lambda cid: provider.clients.get(cid),
                                     save_token=save_token)
        server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])

        @app.route("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token",
                "jwks_uri": f"{provider.issuer}/jwks",
                "userinfo_endpoint": f"{provider.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
            })

        @app.route("/jwks")
        def jwks():
            return jsonify({"keys": [provider.key.as_dict(private=False)]})

        @app.route("/authorize")
        def authorize():
            provider.authorize_requests.append(request.args.to_dict())
            return server.create_authorization_response(grant_user=provider.end_user)

        @app.route("/userinfo")
        def userinfo():
            provider.userinfo_requests += 1
            header = request.headers.get("Authorization", "")
            user = provider.access_tokens.get(header[7:]) if header.startswith("Bearer ") else None
            if user is None:
                return jsonify({"error": "invalid_token"}), 401
            claims = dict(provider.end_user if provider.end_user["sub"] == user["sub"] else user)
            if provider.userinfo_sub_override:
                claims["sub"] = provider.userinfo_sub_override
            return jsonify(claims)

        @app.route("/token", methods=["POST"])
        def token():
            provider.token_requests.append(request.form.to_dict())
            return server.create_token_response()

        return app
