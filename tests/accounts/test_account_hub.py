"""The account page is a hub: my petitions, reports and proposals, alerts on this device,
language, text size, signing out everywhere and deleting the account."""

from flask import url_for

from tests.conftest import login
from tests.factories import make_user


def test_the_account_page_links_everything_a_citizen_looks_for(app, client, db):
    make_user(email="c@example.org")
    login(client, "c@example.org")
    html = client.get("/account", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    for label, href in (("내 민원", "/petitions"), ("내 신고", "/reports/mine"), ("내 제안", "/proposals/mine"),
                        ("알림", "/notifications"), ("이 휴대폰에서 받는 안전 알림", "/alerts#push-panel"),
                        ("계정 삭제", "/account/delete")):
        assert label in html and f'href="{href}"' in html, label
    assert 'href="/lang/en?next=/account"' in html
    assert 'href="/display/large?next=/account"' in html
    # Signing out everywhere once that endpoint exists; until then, signing out here.
    endpoint = "accounts.logout_everywhere" if "accounts.logout_everywhere" in app.view_functions else "accounts.logout"
    with app.test_request_context():
        action = url_for(endpoint)
    assert f'<form method="post" action="{action}" data-signout>' in html


def test_large_text_is_shown_as_the_current_choice(client, db):
    make_user(email="c@example.org")
    login(client, "c@example.org")
    client.get("/display/large")
    html = client.get("/account", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'href="/display/normal?next=/account"' in html
