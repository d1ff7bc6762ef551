"""Double-submit protection of the proposal and comment forms: each rendered form carries a
one-time ``client_token`` (``civic.idempotency``), so the same form posted twice makes one item
and the second post lands on that item's page with the confirmation."""

from __future__ import annotations

import re

from civic.participation.models import Proposal, ProposalComment
from tests.conftest import login
from tests.factories import make_user
from tests.participation.builders import make_proposal

EN = {"Accept-Language": "en"}


def token_in(html: str) -> str:
    match = re.search(r'<input[^>]*name="client_token"[^>]*value="([^"]+)"', html)
    assert match, "the form has no client_token"
    return match.group(1)


def test_a_proposal_form_posted_twice_makes_one_proposal(client, departments, db):
    login(client, make_user().email)
    page = client.get("/proposals/new").get_data(as_text=True)
    token = token_in(page)
    assert token != token_in(client.get("/proposals/new").get_data(as_text=True))    # one per rendering
    form = {"title": "횡단보도 신호 시간을 늘려 주세요", "body": "어르신들이 건너기에 신호가 너무 짧습니다.",
            "category": "transport", "district_code": "11110", "action": "submit", "client_token": token}

    first = client.post("/proposals/new", data=form)
    second = client.post("/proposals/new", data=form, headers=EN)
    proposal = db.session.query(Proposal).one()
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/proposals/{proposal.id}"
    assert "Thank you! Your proposal will be public once a moderator has checked it." in client.get(
        second.headers["Location"], headers=EN).get_data(as_text=True)

    # The same form sent back with other words: said so, nothing made, and a fresh token to send it anew.
    changed = client.post("/proposals/new", data={**form, "title": "보행 신호를 늘려 주세요"}, headers=EN)
    assert changed.status_code == 422 and db.session.query(Proposal).count() == 1
    fresh = token_in(changed.get_data(as_text=True))
    assert fresh != token
    assert client.post("/proposals/new", data={**form, "title": "보행 신호를 늘려 주세요",
                                               "client_token": fresh}).status_code == 302
    assert db.session.query(Proposal).count() == 2


def test_a_comment_form_posted_twice_makes_one_comment(client, departments, db):
    proposal = make_proposal()
    login(client, make_user().email)
    token = token_in(client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    form = {"body": "꼭 필요합니다", "client_token": token}

    first = client.post(f"/proposals/{proposal.id}/comments", data=form)
    second = client.post(f"/proposals/{proposal.id}/comments", data=form, headers=EN)
    assert db.session.query(ProposalComment).count() == 1
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/proposals/{proposal.id}#comments"
    html = client.get(second.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your comment has been posted." in html and html.count("꼭 필요합니다") == 1
    assert token_in(html) != token                              # the next comment is a new one
