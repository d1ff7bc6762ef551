"""The push HTTP/1.1 client against raw servers answering in each way HTTP allows."""

import asyncio

import pytest

from civic.alerts.http1 import Connection, Origin, ProtocolError


def run_against(responses, requests=2):
    """Serve ``responses`` (raw bytes, one per request; None = close without answering)."""
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

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        connection = Connection(Origin("http", "127.0.0.1", port), None)
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
