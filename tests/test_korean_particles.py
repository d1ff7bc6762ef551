"""Korean particles agree with the word before them, Hangul, digits and Latin letters alike."""

import pytest

from civic.korean_particles import choose, resolve_particles, with_particle


@pytest.mark.parametrize(("text", "expected"), [
    ("신고 #1이(가) 도로관리과(으)로 전달되었습니다.", "신고 #1이 도로관리과로 전달되었습니다."),
    ("신고 #2이(가) 공원녹지과(으)로 전달되었습니다.", "신고 #2가 공원녹지과로 전달되었습니다."),
    ("민원 2026-000013이(가) 취하되었습니다", "민원 2026-000013이 취하되었습니다"),
    ("서울시 통합인증(으)로 로그인", "서울시 통합인증으로 로그인"),
    ("Kakao(으)로 로그인", "Kakao로 로그인"),
    ("서울(으)로", "서울로"),
    ("물길(으)로", "물길로"),
    ("도시계획국(으)로 이송", "도시계획국으로 이송"),
    ("제안을(를)", "제안을"), ("의견을(를)", "의견을"), ("투표을(를)", "투표를"),
    ("시민은(는)", "시민은"), ("구청은(는)", "구청은"), ("서울시은(는)", "서울시는"),
    ("도로과(와)", "도로와"), ("공원과(와) 도로", "공원과 도로"), ("서울과(와)", "서울과"),
    ("10이(가)", "10이"), ("100이(가)", "100이"), ("1000이(가)", "1000이"), ("10000이(가)", "10000이"),
    ("12이(가)", "12가"), ("14(으)로", "14로"), ("13(으)로", "13으로"), ("17(으)로", "17로"),
    ("20(으)로", "20으로"), ("0이(가)", "0이"),
    ("PDF이(가)", "PDF가"), ("URL이(가)", "URL이"), ("Email(으)로", "Email로"),
    ("Google(으)로", "Google로"), ("Naver(으)로", "Naver로"), ("Open Data은(는)", "Open Data는"),
    ("Kakao login이(가)", "Kakao login이"),
    ("'민원'이(가)", "'민원'이"), ("(도로관리과)(으)로", "(도로관리과)로"),
])
def test_particles_agree_with_what_is_read_before_them(text, expected):
    assert resolve_particles(text) == expected


def test_unknown_sound_keeps_the_dictionary_notation():
    assert resolve_particles("#이(가)") == "#이(가)"
    assert resolve_particles("이(가) 없음") == "이(가) 없음"


def test_text_without_particles_is_unchanged():
    assert resolve_particles("안전 알림 (긴급)") == "안전 알림 (긴급)"
    assert resolve_particles("Reports (3)") == "Reports (3)"


def test_helpers():
    assert with_particle("신고", "을(를)") == "신고를"
    assert with_particle("민원", "을(를)") == "민원을"
    assert choose("서울특별시", "(으)로") == "로"
    assert resolve_particles("민원 2026-000001이(가) 배정되었습니다") == "민원 2026-000001이 배정되었습니다"


def test_messages_in_python_and_templates_get_agreeing_particles(app):
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("ko"):
        assert gettext("Thank you. Your report #%(id)s was sent to %(department)s.", id=1,
                       department="도로관리과") == "감사합니다. 신고 #1이 도로관리과로 전달되었습니다."
        assert gettext("Thank you. Your report #%(id)s was sent to %(department)s.", id=2,
                       department="도시계획국") == "감사합니다. 신고 #2가 도시계획국으로 전달되었습니다."
        html = render_template_string('{{ _("Sign in with %(provider)s", provider=name) }}', name="<서울시 통합인증>")
        assert html == "&lt;서울시 통합인증&gt;으로 로그인"
