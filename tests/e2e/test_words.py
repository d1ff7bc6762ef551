"""Korean that reads as Korean and English as English, in the browser at 360×740: every page
for each kind of visitor, dates in the house style, the account hub, the consent at sign-up and
the navigation in large-text mode."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import sign_in
from tests.i18n.pages import build_path, english_runs, html_routes
from tests.i18n.world import build_world

pytestmark = pytest.mark.e2e

KOREAN_WHEN = re.compile(r"\d{4}년 \d{1,2}월 \d{1,2}일 \([월화수목금토일]\) (오전|오후) \d{1,2}:\d{2}")
ENGLISH_WHEN = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d{2}:\d{2}\b")
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Visible interface text and the texts of controls, without what is marked as another
# language, code, or the values people typed.
VISIBLE_TEXT = """(interfaceOnly) => {
  const skip = el => el.closest(
    'script,style,code,kbd,pre,template,[lang="en"],[lang="ko"]:not(html),[translate="no"]');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.data.trim() || !el || skip(el)) continue;
    if (interfaceOnly && !el.closest('header,nav,footer,label,button,summary,legend,th,.button,.hint,.field-error'))
      continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(node.data);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],img[alt]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'alt'])
      if (el.getAttribute(a) && !el.getAttribute(a).trim().startsWith('{')) out.push(el.getAttribute(a));
  }
  if (!interfaceOnly) out.push(document.title);  // (titles carry data, such as a proposal's)
  return out;
}"""


@pytest.fixture
def world_server(request, live_app):
    with live_app.app_context():
        world = build_world()
    world["base"] = request.getfixturevalue("live_server")
    return world


def page_paths(app, world, role):
    values = dict(world["values"])
    if role == "staff":
        values.update(world["staff_values"])
    paths = []
    for _endpoint, rule in html_routes(app):
        path = build_path(rule, values)
        if path is not None:
            paths.append(path)
    return paths


@pytest.mark.parametrize("role", ["anonymous", "citizen", "staff"])
def test_no_untranslated_interface_text_in_either_language(live_app, world_server, phone, role):
    base = world_server["base"]
    if role != "anonymous":
        sign_in(phone, base, world_server["emails"]["officer" if role == "staff" else "citizen"])
    paths = page_paths(live_app, world_server, role)
    found: dict[str, list[str]] = {}
    visited = 0
    for language in ("ko", "en"):
        phone.goto(f"{base}/lang/{language}")
        for path in paths:
            response = phone.goto(base + path)
            if response is None or response.status != 200 or not phone.url.startswith(base + path.split("?")[0]):
                continue
            visited += 1
            if language == "ko":
                problems = [run for text in phone.evaluate(VISIBLE_TEXT, False) for run in english_runs(text)]
            else:
                problems = [t.strip() for t in phone.evaluate(VISIBLE_TEXT, True) if HANGUL.search(t)]
            if problems:
                found[f"{language} {path}"] = sorted(set(problems))
    assert visited >= 30
    assert not found, "\n".join(f"{path}: {runs}" for path, runs in sorted(found.items()))


def test_dates_in_the_house_style(world_server, phone, screenshots):
    base = world_server["base"]
    sign_in(phone, base, world_server["emails"]["citizen"])
    receipt = world_server["values"]["receipt_no"]
    phone.goto(f"{base}/lang/ko")
    phone.goto(f"{base}/petitions/{receipt}")
    text = phone.locator("main").inner_text()
    assert KOREAN_WHEN.search(text), text
    assert not re.search(r"(?<!\d)\d{2}\. \d{1,2}\. \d{1,2}\.", text)
    phone.screenshot(path=str(screenshots / "petition-ko.png"), full_page=True)
    phone.goto(f"{base}/notifications")
    assert re.search(r"(\d+(초|분|시간) 전|방금)", phone.locator("main").inner_text())
    phone.screenshot(path=str(screenshots / "notifications-ko.png"))
    phone.goto(f"{base}/lang/en")
    phone.goto(f"{base}/petitions/{receipt}")
    assert ENGLISH_WHEN.search(phone.locator("main").inner_text())
    phone.goto(f"{base}/notifications")
    assert re.search(r"(\d+ (seconds?|minutes?|hours?) ago|just now)", phone.locator("main").inner_text())


def test_account_hub(world_server, phone, screenshots):
    base = world_server["base"]
    sign_in(phone, base, world_server["emails"]["citizen"])
    phone.goto(f"{base}/lang/ko")
    phone.goto(f"{base}/account")
    main = phone.locator("main")
    for name in ("내 민원", "내 신고", "내 제안", "이 휴대폰에서 받는 안전 알림", "English", "큰 글씨"):
        assert main.get_by_role("link", name=name).first.is_visible(), name
    assert main.get_by_role("link", name="계정 삭제").is_visible()
    assert main.locator("form[method=post] button").first.is_visible()  # sign out (everywhere)
    phone.screenshot(path=str(screenshots / "account-ko.png"), full_page=True)
    main.get_by_role("link", name="큰 글씨").click()
    assert "large-text" in phone.locator("body").get_attribute("class")
    main.get_by_role("link", name="내 민원").click()
    assert phone.url.endswith("/petitions")


def test_sign_up_needs_the_consent(live_server, phone, screenshots):
    phone.goto(f"{live_server}/lang/ko")
    phone.goto(f"{live_server}/register")
    notice = phone.locator(".consent")
    for heading in ("수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리"):
        assert heading in notice.inner_text()
    phone.get_by_label("이메일").fill("new@example.org")
    phone.get_by_label("비밀번호").fill("a long enough password")
    phone.get_by_role("button", name="회원가입").click()
    assert "개인정보 수집·이용에 동의해 주세요" in phone.locator("#error-summary").inner_text()
    phone.screenshot(path=str(screenshots / "register-refused-ko.png"), full_page=True)
    phone.get_by_label("비밀번호").fill("a long enough password")
    phone.get_by_label("개인정보 수집·이용에 동의합니다 (필수)").check()
    phone.get_by_role("button", name="회원가입").click()
    assert "이메일을 확인해 주세요" in phone.locator("main h1").inner_text()   # the address is confirmed first


@pytest.mark.parametrize("language", ["ko", "en"])
def test_large_text_keeps_the_navigation_to_two_lines(live_server, phone, screenshots, language):
    phone.goto(f"{live_server}/lang/{language}")
    phone.goto(f"{live_server}/display/large")
    phone.goto(f"{live_server}/")
    rows = phone.evaluate("""() => new Set([...document.querySelectorAll('.main-nav li')]
        .map(li => Math.round(li.getBoundingClientRect().top))).size""")
    assert 1 <= rows <= 2
    brand = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('.brand')).fontSize)")
    assert brand >= 1.4 * 16
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / f"large-text-{language}.png"))
