"""Bot Framework token checks with real signatures: a local OpenID metadata document and JWKS (an RSA key made
here) stand in for login.botframework.com, and the SDK's own channel validator (the one a MultiTenant or
SingleTenant bot runs) checks tokens signed with it.

The metadata is served from a thread, not from the fake connector's event loop: botbuilder 4.17.1 fetches it
with blocking `requests.get` from inside the bot's event loop, which would deadlock on a server in that loop.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.teams.conftest import TeamsUser
from tests.teams.test_security import APP_ID, running

SAM = TeamsUser("aad-sam", "Sam Smith")
ISSUER = "https://api.botframework.com"
KID = "local-test-key"
NOT_MINE = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message"}


class OpenIdServer:
    """/openid (the metadata, naming /keys) and /keys (the JWKS: our public key, endorsed for msteams)."""

    def __init__(self, public_key, endorsements=("msteams",)):
        jwk = json.loads(RSAAlgorithm.to_jwk(public_key)) | {
            "kid": KID,
            "use": "sig",
            "endorsements": list(endorsements),
        }
        documents: dict[str, bytes] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = documents.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body or b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        documents["/openid"] = json.dumps({"issuer": ISSUER, "jwks_uri": f"{base}/keys"}).encode()
        documents["/keys"] = json.dumps({"keys": [jwk]}).encode()
        self.metadata_url = f"{base}/openid"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def openid(signing_key, monkeypatch):
    from botframework.connector.auth import ChannelValidation

    server = OpenIdServer(signing_key.public_key())
    # The SDK's own setting for where channel signing keys come from (default: login.botframework.com).
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", server.metadata_url)
    yield server
    server.close()


@pytest.fixture
async def secured(tmp_path, connector, openid):
    teams = await running(tmp_path, connector, microsoft_app_id=APP_ID, microsoft_app_password="not-a-real-secret")
    yield teams
    await teams.client.close()
    await teams.runtime.close()


def token(key, *, headers: dict | None = None, algorithm: str = "RS256", **claims) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": APP_ID, "nbf": now - 60, "exp": now + 3600} | claims
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": KID} | (headers or {}))


def unknown_button(teams) -> dict:
    """An invoke the bot answers itself, without calling the connector (no outgoing token is needed)."""
    value = {"action": {"type": "Action.Execute", "verb": "gone", "data": {"ict_action": "gone"}}}
    return teams.activity(SAM, type="invoke", name="adaptiveCard/action", value=value)


async def test_a_correctly_signed_token_is_accepted(secured, signing_key):
    auth = "Bearer " + token(signing_key, serviceurl=secured.connector.url)
    response = await secured.post(unknown_button(secured), headers={"Authorization": auth})
    assert response.status == 200
    assert (await response.json()).items() >= NOT_MINE.items()


def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


REFUSED = {
    "wrong audience": lambda key, url: token(key, serviceurl=url, aud="00000000-0000-4000-8000-000000000bad"),
    "no audience": lambda key, url: token(key, serviceurl=url, aud=None),
    "wrong issuer": lambda key, url: token(key, serviceurl=url, iss="https://sts.example.com/"),
    "no issuer": lambda key, url: token(key, serviceurl=url, iss=None),
    "serviceurl mismatch": lambda key, url: token(key, serviceurl="https://smba.attacker.example/"),
    "no serviceurl": lambda key, url: token(key),
    "expired": lambda key, url: token(key, serviceurl=url, exp=int(time.time()) - 3600),
    "signed with another key": lambda key, url: token(other_key(), serviceurl=url),
    "unknown key id": lambda key, url: token(key, serviceurl=url, headers={"kid": "nobody-knows"}),
    "HS256 with the app id": lambda key, url: token(APP_ID, serviceurl=url, algorithm="HS256"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_bad_token_gets_401_and_nothing_runs(secured, signing_key, case, caplog):
    auth = "Bearer " + REFUSED[case](signing_key, secured.connector.url)
    response = await secured.post(secured.message(SAM, "support my laptop is broken"), headers={"Authorization": auth})
    assert response.status == 401
    assert (await response.json()) == {"error": "unauthorized"}
    assert secured.connector.calls == []
    assert await secured.runtime.store.find_user(SAM.key) is None
    assert "Traceback" not in caplog.text


async def test_a_key_not_endorsed_for_teams_is_refused(tmp_path, connector, signing_key, monkeypatch):
    from botframework.connector.auth import ChannelValidation

    server = OpenIdServer(signing_key.public_key(), endorsements=("slack",))
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", server.metadata_url)
    teams = await running(tmp_path, connector, microsoft_app_id=APP_ID, microsoft_app_password="not-a-real-secret")
    try:
        auth = "Bearer " + token(signing_key, serviceurl=connector.url)
        response = await teams.post(teams.message(SAM, "help"), headers={"Authorization": auth})
        assert response.status == 401
        assert connector.calls == []
    finally:
        await teams.client.close()
        await teams.runtime.close()
        server.close()
