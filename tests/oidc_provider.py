"""A small OpenID Connect provider that the tests start on 127.0.0.1: authorization code flow,
RS256-signed ID tokens, a JWKS endpoint and userinfo, and PKCE (RFC 7636, S256) required of every
client. The application under test talks to it over real HTTP, exactly as it would to a
municipality's identity broker or NemLog-in. ``claims`` holds the next log-in's claims; ``acr`` and
``amr`` among them go into the ID token, the rest are answered by userinfo."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class FakeProvider:
    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_OP_ISSUER": self.url,
        }

    def _id_token(self, nonce: str, claims: dict[str, Any]) -> str:
        now = int(time.time())  # noqa: TID251 - the provider's own clock, like a real one
        return jwt.encode(
            {
                "iss": self.url,
                "aud": self.client_id,
                "sub": str(claims.get("sub", "x")),
                "nonce": nonce,
                "iat": now,
                "exp": now + 300,
                **{k: claims[k] for k in ("acr", "amr") if k in claims},
            },
            self.key,
            algorithm="RS256",
            headers={"kid": "test-key"},
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    if query.get("client_id") != provider.client_id:
                        return self._json(400, {"error": "unauthorized_client"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "nonce": query.get("nonce", ""),
                        "redirect_uri": query["redirect_uri"],
                        "claims": dict(provider.claims),
                        "code_challenge": query.get("code_challenge", ""),
                        "code_challenge_method": query.get("code_challenge_method", ""),
                    }
                    self.send_response(302)
                    self.send_header(
                        "Location",
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]}),
                    )
                    self.end_headers()
                    return None
                if url.path == "/jwks":
                    public = json.loads(
                        jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key())
                    )
                    return self._json(
                        200, {"keys": [{**public, "kid": "test-key", "alg": "RS256", "use": "sig"}]}
                    )
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.tokens[token])
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    self.path != "/token"
                    or grant is None
                    or form.get("client_secret") != provider.client_secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or not _pkce_verified(grant, form.get("code_verifier", ""))
                ):
                    return self._json(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(16)
                provider.tokens[access_token] = grant["claims"]
                return self._json(
                    200,
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider._id_token(grant["nonce"], grant["claims"]),
                    },
                )

        return Handler


def _pkce_verified(grant: dict[str, Any], verifier: str) -> bool:
    """The token request proves it comes from the client that started the log-in (S256 only)."""
    if grant["code_challenge_method"] != "S256" or not verifier:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=") == grant["code_challenge"]
