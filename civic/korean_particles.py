"""Korean particles that agree with the word before them.

Translations write a particle in the usual dictionary notation after a placeholder —
``신고 #%(id)s이(가) %(department)s(으)로 전달되었습니다`` — and ``resolve_particles`` picks the
form that agrees with the sound the preceding text ends on, once the values are in:
``신고 #1이 도로관리과로 전달되었습니다``. Digits and Latin letters are judged as read aloud
(1 "일", 10 "십", 2 "이"; "PDF" ends on "에프", "Email" on "일"). When the sound cannot be told
(a symbol, nothing before it) the notation is left as written, which is still correct Korean.

No PyPI package fits: ``tossi`` has had no release since 2018 and ``hgtk.josa`` refuses
anything that is not Hangul (receipt numbers, ids, English department names).
"""

from __future__ import annotations

import html
import re

# final consonant index (0 = none) of a Hangul syllable; 8 is ㄹ
_RIEUL = 8
_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3

# Digits as read in Sino-Korean (영 일 이 삼 사 오 육 칠 팔 구): final consonant or 0.
_DIGIT_FINAL = {"0": 21, "1": _RIEUL, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": _RIEUL,
                "8": _RIEUL, "9": 0}
# A number ending in zeros is read by its last place: 십 백 천 만 … (만 for 4-7 zeros, 억 for 8-11).
_ZEROS_FINAL = {1: 17, 2: 1, 3: 4}
# English letter names as said in Korean (엘, 엠, 엔, 알 end on a consonant; the rest on a vowel).
_LETTER_FINAL = {"l": _RIEUL, "m": 16, "n": 4, "r": _RIEUL}
# Last letters of an English word that leave a consonant: book 북, bus 버스 is a vowel, etc.
_WORD_FINAL = {"b": 17, "c": 1, "d": 7, "g": 1, "k": 1, "l": _RIEUL, "m": 16, "n": 4, "p": 17, "t": 7}

# (form after a consonant, form after a vowel)
_PAIRS = {
    "이(가)": ("이", "가"), "가(이)": ("이", "가"),
    "을(를)": ("을", "를"), "를(을)": ("을", "를"),
    "은(는)": ("은", "는"), "는(은)": ("은", "는"),
    "과(와)": ("과", "와"), "와(과)": ("과", "와"),
    "아(야)": ("아", "야"), "(이)": ("이", ""),
    "(으)로": ("으로", "로"),
}
_PATTERN = re.compile("|".join(re.escape(p) for p in sorted(_PAIRS, key=len, reverse=True)))
_TRAILING = " \t\"'’”)]}」』>»"


def final_consonant(text: str) -> int | None:
    """The final consonant index (0 = ends on a vowel) of how ``text`` is read, or None when
    that cannot be told."""
    text = html.unescape(text[-40:]).rstrip(_TRAILING)  # escaped template values end in "&gt;"
    if not text:
        return None
    last = text[-1]
    if _SYLLABLE_FIRST <= ord(last) <= _SYLLABLE_LAST:
        return (ord(last) - _SYLLABLE_FIRST) % 28
    if last.isdigit() and last.isascii():
        digits = re.findall(r"[0-9]+$", text)[0]
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros == 0 or zeros == len(digits):
            return _DIGIT_FINAL[last]
        if zeros in _ZEROS_FINAL:
            return _ZEROS_FINAL[zeros]
        return 4 if zeros < 8 else 1  # 만 / 억
    if last.isascii() and last.isalpha():
        word = re.findall(r"[A-Za-z]+$", text)[0]
        if len(word) == 1 or word.isupper():
            return _LETTER_FINAL.get(word[-1].lower(), 0)
        lower = word.lower()
        if lower.endswith("ng"):
            return 21
        return _WORD_FINAL.get(lower[-1], 0)
    return None


def choose(word: str, particle: str) -> str:
    """The form of ``particle`` (dictionary notation, e.g. ``이(가)``) that agrees with ``word``."""
    final = final_consonant(word)
    if final is None:
        return particle
    after_consonant, after_vowel = _PAIRS[particle]
    if particle == "(으)로":
        return after_vowel if final in (0, _RIEUL) else after_consonant
    return after_vowel if final == 0 else after_consonant


def resolve_particles(text: str) -> str:
    """Replace every particle written in dictionary notation by the form that agrees with the
    text just before it."""
    if "(" not in text:
        return text
    out: list[str] = []
    position = 0
    for match in _PATTERN.finditer(text):
        out.append(text[position:match.start()])
        out.append(choose("".join(out), match.group()))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def with_particle(word: str, particle: str) -> str:
    """``word`` followed by the agreeing form of ``particle``: ``with_particle("서울", "(으)로")``."""
    return f"{word}{choose(word, particle)}"
