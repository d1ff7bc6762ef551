"""Browser: offline drafts belong to the account that wrote them (issue 14). On a shared phone,
A's unsent petition is never filed under B's name; signing out offers to keep or delete A's
unsent drafts."""


import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.test_offline import wait_for_service_worker
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def set_type_active(live_app, active: bool):
    from civic.petitions.models import PetitionType

    with live_app.app_context():
        db.session.query(PetitionType).filter_by(code="parks").update({"is_active": active})
        db.session.commit()
        db.session.remove()


def draft_kept_unsent(page, live_app, live_server, title):
    """Write a petition offline; back online the server refuses it for now (its type is
    withdrawn until ``set_type_active(live_app, True)``), so it stays on the device, unsent."""
    page.goto(live_server + "/petitions/new")
    wait_for_service_worker(page)
    page.get_by_label("민원 종류").select_option("parks")
    page.get_by_label("제목").fill(title)
    page.get_by_label("어떤 문제나 요청이 있나요?").fill("그네 줄이 끊어져 있습니다.")
    page.context.set_offline(True)
    page.get_by_role("button", name="민원 신청").click()
    expect(page.locator("#drafts-list li")).to_have_count(1)
    set_type_active(live_app, False)
    page.context.set_offline(False)                      # sent, and refused: kept
    expect(page.locator("#drafts-list")).to_contain_text("고쳐야", timeout=15000)


def drafts_on_device(page) -> int:
    """Every draft kept in this browser's IndexedDB, whoever wrote it."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const req = indexedDB.open("civic-drafts", 1);
        req.onupgradeneeded = () => req.result.createObjectStore("drafts", { keyPath: "token" });
        req.onsuccess = () => {
            const all = req.result.transaction("drafts").objectStore("drafts").count();
            all.onsuccess = () => { req.result.close(); resolve(all.result); };
        };
        req.onerror = () => reject(req.error);
    })""")


def petitions_of(live_app):
    from civic.petitions.models import Petition

    with live_app.app_context():
        rows = [(p.title, p.petitioner.email) for p in db.session.query(Petition)]
        db.session.remove()
    return rows


def test_drafts_are_never_sent_by_another_account(live_app, live_server, phone, screenshots):

    with live_app.app_context():
        from civic.petitions.seed import seed

        seed()
        make_user(email="a@example.org")
        make_user(email="b@example.org")
        db.session.remove()
    sign_in(phone, live_server, "a@example.org")
    draft_kept_unsent(phone, live_app, live_server, "A의 민원")

    # A signs out: the device offers to keep or delete A's unsent draft. A keeps it.
    phone.get_by_role("button", name="로그아웃").click()
    dialog = phone.locator("#signout-drafts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1건")
    phone.screenshot(path=str(screenshots / "signout-drafts.png"))
    with phone.expect_navigation():
        dialog.get_by_role("button", name="보관하고 로그아웃").click()
    expect(phone.get_by_role("link", name="로그인")).to_be_visible()
    assert drafts_on_device(phone) == 1
    set_type_active(live_app, True)  # from now on the server would accept A's petition from anyone

    # B signs in on the same phone: A's draft is neither listed nor sent, whatever B does.
    sign_in(phone, live_server, "b@example.org")
    phone.goto(live_server + "/petitions/new")
    wait_for_service_worker(phone)
    phone.wait_for_timeout(500)
    expect(phone.locator("#drafts")).to_be_hidden()
    result = phone.evaluate("() => window.CivicDrafts.sendAll()")
    assert result["sent"] == 0
    phone.evaluate("async () => { (await navigator.serviceWorker.ready).active.postMessage('send-drafts'); }")
    phone.wait_for_timeout(1000)
    assert petitions_of(live_app) == []
    assert drafts_on_device(phone) == 1
    # B has no drafts of their own: signing out asks nothing.
    with phone.expect_navigation():
        phone.get_by_role("button", name="로그아웃").click()
    expect(phone.locator("#signout-drafts")).to_have_count(0)

    # A signs in again: A's draft is listed and sent, under A.
    sign_in(phone, live_server, "a@example.org")
    phone.goto(live_server + "/petitions/new")
    expect(phone.locator("#drafts-status")).to_contain_text("보냈습니다", timeout=15000)
    assert petitions_of(live_app) == [("A의 민원", "a@example.org")]
    assert drafts_on_device(phone) == 0


def test_signing_out_can_delete_the_unsent_drafts(live_app, live_server, phone):
    with live_app.app_context():
        from civic.petitions.seed import seed

        seed()
        make_user(email="a@example.org")
        db.session.remove()
    sign_in(phone, live_server, "a@example.org")
    draft_kept_unsent(phone, live_app, live_server, "지울 민원")
    phone.get_by_role("button", name="로그아웃").click()
    dialog = phone.locator("#signout-drafts")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="취소").click()          # changed their mind: still signed in
    expect(dialog).to_be_hidden()
    assert drafts_on_device(phone) == 1
    phone.get_by_role("button", name="로그아웃").click()
    with phone.expect_navigation():
        dialog.get_by_role("button", name="삭제하고 로그아웃").click()
    expect(phone.get_by_role("link", name="로그인")).to_be_visible()
    assert drafts_on_device(phone) == 0
    assert petitions_of(live_app) == []
