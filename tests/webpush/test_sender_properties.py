"""Property: whatever the endpoints and whatever the push service answers, every message gets
exactly one result, and the batch (and the alert) finish.

A loopback server answers each message with a drawn byte stream: valid answers of any status,
garbage status lines, heads over 64 KiB, chunked bodies with odd sizes (a chunk-size line over
64 KiB included), a connection closed half-way, bytes dripped slowly or stalled past the timeout."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic.webpush.crypto import VapidSigner, generate_private_key_b64, vapid_from_text
from civic.webpush.sender import PushMessage, PushResult, PushSender, SenderSettings
from tests.webpush.pushservice import LoopbackPushService
from tests.webpush.rawserver import RawPushServer, Reply

TIMEOUT_S = 0.3
SENDER_SETTINGS = SenderSettings(concurrency=4, timeout_s=TIMEOUT_S, max_attempts=2, retry_base_s=0.01,
                                 retry_max_delay_s=0.05)
SIGNER = VapidSigner(vapid_from_text(generate_private_key_b64()), "mailto:alerts@example.org")
_DEVICE = LoopbackPushService().new_device()  # real keys: the bodies encrypt (nothing is started)
P256DH, AUTH = _DEVICE.p256dh, "AAAAAAAAAAAAAAAAAAAAAA"

OK = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
heads = st.one_of(
    st.just(OK),
    st.integers(0, 999).map(lambda code: f"HTTP/1.1 {code} X\r\nContent-Length: 0\r\n\r\n".encode()),
    st.binary(max_size=120).map(lambda junk: junk + b"\r\n\r\n"),  # garbage status line
    st.sampled_from([
        b"HTTP/1.1 201 Created\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",  # head over 64 KiB
        b"HTTP/1.1 201 Created\r\nContent-Length: -5\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: 99999999999\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: nope\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
        b"HTTP/1.0 201 Created\r\n\r\nbody to the end",
        b"HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 429 Slow down\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 410 Gone\r\nConnection: close\r\n\r\n",
        b"\xff\xfe\x00garbage\r\n\r\n",
        b"HTTP/1.1 2\xc3\xa9 X\r\n\r\n",
    ]),
)
chunk_lines = st.one_of(
    st.integers(0, 0x1FFFFF).map(lambda n: f"{n:x}\r\n".encode()),
    st.sampled_from([b"-1\r\n", b"zz\r\n", b"0" * 70_000 + b"1\r\n", b"ffffffffffffffffffff\r\n",
                     b"5;ext=1\r\nhello\r\n", b"0\r\nTrailer: x\r\n\r\n"]),
    st.binary(max_size=30),
)
chunked = st.lists(chunk_lines, max_size=4).map(
    lambda lines: b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n" + b"".join(lines) + b"0\r\n\r\n")
streams = st.one_of(heads, chunked)


@st.composite
def replies(draw) -> Reply:
    data = draw(streams)
    how = draw(st.sampled_from(["whole", "whole", "early_close", "drip", "stall"]))
    if how == "early_close":
        return Reply([(data[:draw(st.integers(0, max(0, len(data) - 1)))], 0.0)], close=True)
    if how == "drip" and len(data) <= 200:  # a slow drip that still ends within the timeout
        return Reply([(data[i:i + 8], 0.002) for i in range(0, len(data), 8)], close=draw(st.booleans()))
    if how == "stall":  # half an answer, then silence past the timeout
        return Reply([(data[: len(data) // 2], 0.0), (data[len(data) // 2:], TIMEOUT_S * 1.5)], close=True)
    return Reply([(data, 0.0)], close=draw(st.booleans()))


suffixes = st.one_of(
    st.just(""),
    st.text(max_size=12),  # any Unicode: spaces, CR/LF, 한국, lone surrogates…
    st.sampled_from(["?a=1", "/한국", " x", "\r\nX-Injected: 1", "#frag", "%zz", "%ED%95%9C"]),
)
odd_endpoints = st.sampled_from([
    "http://127.0.0.1:99999/m/x", "http:///m/x", "://nohost", "", "mailto:x@example.org",
    "http://[::1/m/x", "http://127.0.0.1:0/m/x",
])


@st.composite
def batches(draw, origin: str):
    count = draw(st.integers(1, 12))
    messages, replies_by_key = [], {}
    for key in range(count):
        if draw(st.integers(0, 9)) == 0:
            endpoint = draw(odd_endpoints)
        else:
            endpoint = f"{origin}/m/{key}{draw(suffixes)}"
        replies_by_key[str(key)] = draw(replies())
        payload = draw(st.sampled_from([b'{"title":"t"}', b"", b"x" * 5000]))  # empty/too large fail alone
        messages.append(PushMessage(key, endpoint, P256DH, AUTH, payload, 60, "high", "civic-alert-1"))
    return messages, replies_by_key


SERVER = RawPushServer()
SERVER.__enter__()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=batches(SERVER.origin))
def test_every_message_gets_exactly_one_result_and_the_batch_finishes(batch):
    messages, script = batch
    SERVER.replies = script
    results: list[PushResult] = []
    started = time.monotonic()
    PushSender(SIGNER, SENDER_SETTINGS).send_all(messages, results.extend)
    # Bounded: two attempts, each within the timeout, plus the short retry delays.
    assert time.monotonic() - started < 10
    assert sorted(r.key for r in results) == [m.key for m in messages]
    for result in results:
        assert result.outcome in ("sent", "gone", "failed")
        assert result.outcome != "failed" or result.error
        if result.outcome == "sent":
            assert result.status_code is not None and 200 <= result.status_code < 300
    # A message with a well-formed 201 and a sendable endpoint is delivered.
    for message in messages:
        reply = script[str(message.key)]
        result = next(r for r in results if r.key == message.key)
        clean = message.endpoint == f"{SERVER.origin}/m/{message.key}" and message.payload == b'{"title":"t"}'
        if clean and reply.parts == [(OK, 0.0)]:
            assert result.outcome == "sent", result


def test_the_issue_reproduction_20_good_and_1_bad_records_21_results():
    script = {str(k): Reply.created() for k in range(21)}
    SERVER.replies = script
    messages = [PushMessage(k, f"{SERVER.origin}/m/{k}", P256DH, AUTH, b'{"t":1}', 60) for k in range(20)]
    messages.insert(7, PushMessage(20, f"{SERVER.origin}/m/한국", P256DH, AUTH, b'{"t":1}', 60))
    results: list[PushResult] = []
    PushSender(SIGNER, SENDER_SETTINGS).send_all(messages, results.extend)
    assert len(results) == 21
    by_key = {r.key: r for r in results}
    assert by_key[20].outcome == "failed" and "RFC 3986" in by_key[20].error
    assert all(by_key[k].outcome == "sent" for k in range(20))


def test_a_chunk_size_line_over_64_kib_fails_that_message_only():
    SERVER.replies = {"0": Reply([(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   + b"0" * 70_000 + b"1\r\nx\r\n0\r\n\r\n", 0.0)])}
    messages = [PushMessage(k, f"{SERVER.origin}/m/{k}", P256DH, AUTH, b'{"t":1}', 60) for k in range(5)]
    results: list[PushResult] = []
    PushSender(SIGNER, SENDER_SETTINGS).send_all(messages, results.extend)
    by_key = {r.key: r for r in results}
    assert len(results) == 5 and by_key[0].outcome == "failed"
    assert [by_key[k].outcome for k in range(1, 5)] == ["sent"] * 4


def test_results_gathered_before_the_callback_fails_are_kept_and_the_error_raised():
    """The database failing while results are recorded stops the run; nothing is half-recorded
    silently: the caller's error path (rows back to pending) takes over."""
    SERVER.replies = {}
    messages = [PushMessage(k, f"{SERVER.origin}/m/{k}", P256DH, AUTH, b'{"t":1}', 60) for k in range(8)]
    groups: list[list[PushResult]] = []

    def record(group):
        groups.append(list(group))
        raise RuntimeError("database went away")

    try:
        PushSender(SIGNER, SENDER_SETTINGS).send_all(messages, record)
    except RuntimeError as exc:
        assert "database" in str(exc)
    else:
        raise AssertionError("the callback's failure must reach the caller")
    # The same group, tried once more per RECORD_RETRY_S wait before the run gives up.
    assert len(groups) == 3 and groups[0] and groups[0] == groups[1] == groups[2]
    assert len({r.key for r in groups[0]}) == len(groups[0])
