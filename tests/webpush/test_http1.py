"""The push HTTP/1.1 client against raw servers answering in each way HTTP allows, over plain
TCP, over TLS with a local certificate, and through a CONNECT proxy."""

import asyncio
import base64
import ssl

import pytest

from civic.webpush.crypto import VapidSigner, generate_private_key_b64, vapid_from_text
from civic.webpush.http1 import Connection, Origin, ProtocolError, Proxy, ProxyError, proxy_for
from civic.webpush.sender import PushMessage, PushSender, SenderSettings
from tests.webpush.pushservice import LoopbackPushService
from tests.webpush.tls import LoopbackProxy, make_local_ca

OK = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


@pytest.fixture(scope="module")
def local_ca(tmp_path_factory):
    return make_local_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def no_proxy_env(monkeypatch):
    """Start from an environment without proxies, whatever the machine running the tests has."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
                 "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def run_against(responses, requests=2, server_ssl=None, client_ssl=None, proxy=None):
    """Serve ``responses`` (raw bytes, one per request; None = close without answering), over TLS
    when ``server_ssl`` is given, reached through ``proxy`` when given."""
    seen = []

    async def main():
        queue = list(responses)

        async def handle(reader, writer):
            while queue:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                lengths = [h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")]
                length = int(lengths[0].split(b":")[1])
                seen.append(head + await reader.readexactly(length))
                answer = queue.pop(0)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if b"Connection: close" in answer or b"Content-Length" not in answer and b"chunked" not in answer:
                    break
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ssl)
        port = server.sockets[0].getsockname()[1]
        connection = Connection(Origin("https" if server_ssl else "http", "127.0.0.1", port), client_ssl, proxy)
        results = []
        for _ in range(requests):
            results.append(await asyncio.wait_for(connection.post("/push/x?y=1", "TTL: 60\r\n", b"body"), 5))
        connection.close()
        server.close()
        return results

    return asyncio.run(main()), seen


def test_keep_alive_content_length_and_request_shape():
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nLocation: /m/1\r\n\r\nok"
    results, seen = run_against([ok, ok])
    assert [r.status for r in results] == [201, 201] and results[0].headers["location"] == "/m/1"
    assert seen[0].startswith(b"POST /push/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nContent-Length: 4\r\nTTL: 60\r\n\r\nbody" in seen[0]


def test_chunked_and_retry_after_headers():
    chunked = b"HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    results, _ = run_against([chunked, ok])
    assert [r.status for r in results] == [503, 201] and results[0].headers["retry-after"] == "7"


def test_connection_close_and_body_to_eof_reconnect():
    close = b"HTTP/1.1 410 Gone\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    to_eof = b"HTTP/1.1 400 Bad\r\n\r\nno length"
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    results, _ = run_against([close, to_eof, ok], requests=3)
    assert [r.status for r in results] == [410, 400, 201]


def test_an_idle_connection_closed_by_the_server_is_reopened_once():
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    # The server answers once, then drops the kept-alive connection without answering.
    results, seen = run_against([ok, None, ok])
    assert [r.status for r in results] == [201, 201] and len(seen) == 3


def test_garbage_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        run_against([b"SMTP ready\r\n\r\n"], requests=1)


def test_interim_1xx_answers_are_skipped_for_the_final_one():
    interim = (b"HTTP/1.1 100 Continue\r\n\r\n"
               b"HTTP/1.1 103 Early Hints\r\nLink: </sw.js>; rel=preload\r\n\r\n"
               b"HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 0\r\n\r\n")
    results, _ = run_against([interim, OK])
    assert [r.status for r in results] == [201, 201] and results[0].headers["location"] == "/m/1"


def test_switching_protocols_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        run_against([b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"], requests=1)


def test_tls_with_a_local_certificate(local_ca):
    results, seen = run_against([OK, OK], server_ssl=local_ca.server_context(),
                                client_ssl=local_ca.client_context())
    assert [r.status for r in results] == [201, 201] and len(seen) == 2  # one kept-alive TLS connection


def test_tls_is_verified(local_ca):
    # The system store does not know the local CA: the handshake fails, nothing is sent.
    with pytest.raises(ssl.SSLCertVerificationError):
        run_against([OK], requests=1, server_ssl=local_ca.server_context(), client_ssl=ssl.create_default_context())


def test_tls_through_a_connect_proxy(local_ca):
    with LoopbackProxy() as proxy:
        results, seen = run_against([OK, OK], server_ssl=local_ca.server_context(),
                                    client_ssl=local_ca.client_context(),
                                    proxy=Proxy.from_url(proxy.url.replace("//", "//civic:s%40cret@")))
    assert [r.status for r in results] == [201, 201] and len(seen) == 2
    [(method, target, authorization)] = proxy.requests  # one tunnel, kept alive for both requests
    assert method == "CONNECT" and target.startswith("127.0.0.1:")
    assert authorization == "Basic " + base64.b64encode(b"civic:s@cret").decode()


def test_a_refused_tunnel_is_a_proxy_error(local_ca):
    with LoopbackProxy(refuse=407) as proxy, pytest.raises(ProxyError):
        run_against([OK], requests=1, server_ssl=local_ca.server_context(), client_ssl=local_ca.client_context(),
                    proxy=Proxy.from_url(proxy.url))


def test_proxies_come_from_the_standard_environment(no_proxy_env):
    push = Origin.of("https://fcm.googleapis.com/fcm/send/x")
    assert proxy_for(push) is None
    no_proxy_env.setenv("HTTPS_PROXY", "http://user:pw@proxy.city.example:3128")
    assert proxy_for(push) == Proxy("proxy.city.example", 3128, "Basic " + base64.b64encode(b"user:pw").decode())
    assert proxy_for(Origin.of("http://127.0.0.1:8080/push")) is None  # plain http: local services, direct
    no_proxy_env.setenv("NO_PROXY", "localhost,.googleapis.com")
    assert proxy_for(push) is None
    assert proxy_for(Origin.of("https://web.push.apple.com/x")) is not None
    no_proxy_env.setenv("NO_PROXY", "*")
    assert proxy_for(Origin.of("https://web.push.apple.com/x")) is None
    no_proxy_env.delenv("NO_PROXY")
    no_proxy_env.delenv("HTTPS_PROXY")
    no_proxy_env.setenv("https_proxy", "proxy.city.example:8080")  # lower case, no scheme: as curl takes it
    assert proxy_for(push) == Proxy("proxy.city.example", 8080, None)
    no_proxy_env.setenv("https_proxy", "socks5://proxy.city.example:1080")
    with pytest.raises(ProxyError):
        proxy_for(push)


@pytest.mark.parametrize("through_proxy", [True, False])
def test_the_sender_delivers_over_tls_through_the_environment_proxy(local_ca, no_proxy_env, through_proxy):
    """End to end: the loopback push service on TLS decrypts every message and checks its VAPID
    token; the sender reaches it through HTTPS_PROXY, or directly when NO_PROXY names it."""
    no_proxy_env.setattr("civic.webpush.sender.default_ssl_context", local_ca.client_context)
    vapid_key = vapid_from_text(generate_private_key_b64())
    signer = VapidSigner(vapid_key, "mailto:alerts@example.org")
    with LoopbackPushService(expected_key=signer.public_key_b64, ssl_context=local_ca.server_context()) as push, \
            LoopbackProxy() as proxy:
        no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
        if not through_proxy:
            no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        devices = [push.new_device() for _ in range(5)]
        messages = [PushMessage(i, push.endpoint(d), d.p256dh, base64.urlsafe_b64encode(d.auth_secret).decode(),
                                b'{"title": "tls"}', 60) for i, d in enumerate(devices)]
        results = []
        PushSender(signer, SenderSettings(concurrency=2, timeout_s=10)).send_all(messages, results.extend)
    assert push.origin.startswith("https://") and push.errors == []
    assert sorted((r.key, r.outcome) for r in results) == [(i, "sent") for i in range(5)]
    assert [d.received for d in devices] == [[{"title": "tls"}]] * 5
    if through_proxy:
        assert len(proxy.requests) == 2  # one tunnel per connection, kept alive
        assert {(method, target) for method, target, _ in proxy.requests} == {("CONNECT", push.origin[8:])}
    else:
        assert proxy.requests == []
