"""The sender's reading of ``Retry-After``: delta-seconds are ASCII digits only."""

import email.utils

import pytest

from civic.webpush.crypto import VapidSigner, generate_private_key_b64, vapid_from_text
from civic.webpush.sender import PushMessage, PushResult, PushSender, SenderSettings, retry_after_seconds
from tests.webpush.pushservice import LoopbackPushService
from tests.webpush.rawserver import RawPushServer, Reply

SENDER_SETTINGS = SenderSettings(concurrency=2, timeout_s=2, max_attempts=2, retry_base_s=0.01, retry_max_delay_s=1)
SIGNER = VapidSigner(vapid_from_text(generate_private_key_b64()), "mailto:alerts@example.org")
P256DH, AUTH = LoopbackPushService().new_device().p256dh, "AAAAAAAAAAAAAAAAAAAAAA"


@pytest.mark.parametrize("value, seconds", [("7", 7.0), (" 120 ", 120.0), ("0", 0.0), ("007", 7.0)])
def test_delta_seconds(value, seconds):
    assert retry_after_seconds(value) == seconds


def test_an_http_date():
    now = 1_800_000_000.0
    assert retry_after_seconds(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert retry_after_seconds(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


# "¹" and "²" pass str.isdigit() and float() refuses them; "٣" (Arabic-Indic), "３" (full width)
# and "߃" (NKo) pass it and float() reads them as numbers no server sends.
@pytest.mark.parametrize("value", ["¹", "²⁰", "٣", "３", "߃", "1¹", "-1", "1.5", "+5", "", "soon", None])
def test_anything_but_ascii_digits_or_a_date_is_no_retry_after(value):
    assert retry_after_seconds(value) is None


# The client reads a head as Latin-1, so "¹²³" (bytes B9, B2, B3) are what reach the parser.
@pytest.mark.parametrize("value", [b"\xb9", b"1\xb2", b"\xb3\xb3"])
def test_a_superscript_retry_after_is_ignored_and_the_message_retried(value):
    """Read as digits, "¹" raised inside the sender: the message failed at once with a ValueError.
    Ignored, the answer is a plain 503: retried within the attempts, then failed as HTTP 503."""
    busy = Reply([(b"HTTP/1.1 503 Busy\r\nRetry-After: " + value + b"\r\nContent-Length: 0\r\n\r\n", 0.0)])
    with RawPushServer({"0": busy}) as server:
        results: list[PushResult] = []
        message = PushMessage(0, f"{server.origin}/m/0", P256DH, AUTH, b'{"t":1}', 60)
        PushSender(SIGNER, SENDER_SETTINGS).send_all([message], results.extend)
        assert server.requests["0"] == SENDER_SETTINGS.max_attempts
    assert [(r.outcome, r.status_code, r.attempts, r.error) for r in results] == [
        ("failed", 503, SENDER_SETTINGS.max_attempts, "HTTP 503")]


def counting_connections(server: RawPushServer) -> list[int]:
    opened: list[int] = []
    serve = server.serve

    def counted(sock):
        opened.append(1)
        return serve(sock)

    server.serve = counted  # type: ignore[method-assign]
    return opened


def test_the_next_run_of_a_thread_reuses_its_open_connections():
    """Batch after batch to the same push service: the connections of one run are kept open for
    the next run of the same thread instead of being opened again."""
    settings = SenderSettings(concurrency=2, timeout_s=2, max_attempts=2, retry_base_s=0.01, retry_max_delay_s=1)
    with RawPushServer() as server:
        opened = counting_connections(server)
        for run in range(3):
            results: list[PushResult] = []
            messages = [PushMessage(k, f"{server.origin}/m/{run}-{k}", P256DH, AUTH, b'{"t":1}', 60) for k in range(6)]
            PushSender(SIGNER, settings).send_all(messages, results.extend)
            assert sorted(r.outcome for r in results) == ["sent"] * 6
        assert len(opened) == 2  # the first run's two connections, reused by the next two runs


def test_a_kept_connection_the_server_closed_is_replaced():
    settings = SenderSettings(concurrency=1, timeout_s=2, max_attempts=1, retry_base_s=0.01, retry_max_delay_s=1)
    # A 201 that says nothing of closing, after which the server hangs up: the client keeps a dead connection.
    hang_up = Reply([(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0.0)], close=True)
    with RawPushServer({"first": hang_up}) as server:
        opened = counting_connections(server)
        for key in ("first", "second"):
            results: list[PushResult] = []
            PushSender(SIGNER, settings).send_all([PushMessage(0, f"{server.origin}/m/{key}", P256DH, AUTH,
                                                               b'{"t":1}', 60)], results.extend)
            assert [(r.outcome, r.attempts) for r in results] == [("sent", 1)]
        assert len(opened) == 2 and server.requests == {"first": 1, "second": 1}


def test_a_database_blink_while_recording_loses_no_result(monkeypatch):
    """Recording fails once (a dropped connection, a lock timeout): the same group is recorded
    again after a short wait and the run goes on. Before, the run stopped, the caller handed the
    answered messages back as unsent, and the job's retry sent them a second time."""
    monkeypatch.setattr("civic.webpush.sender.RECORD_RETRY_S", (0.01, 0.01), raising=False)
    recorded: list[PushResult] = []
    failures = [RuntimeError("server closed the connection unexpectedly")]

    def record(group):
        if failures:
            raise failures.pop()
        recorded.extend(group)

    with RawPushServer() as server:
        messages = [PushMessage(k, f"{server.origin}/m/{k}", P256DH, AUTH, b'{"t":1}', 60) for k in range(10)]
        PushSender(SIGNER, SENDER_SETTINGS).send_all(messages, record)
        assert sum(server.requests.values()) == 10
    assert sorted(r.key for r in recorded) == list(range(10)) and {r.outcome for r in recorded} == {"sent"}
