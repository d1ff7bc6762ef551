"""Every message id that a template or Python module marks for translation has a translation
in the catalogs: Korean for every id, and English for an id written in Korean. Feature catalogs
are merged at run time (``civic.i18n``), so a message may be translated in any of them."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from civic.i18n import translation_dirs

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = (ROOT / "civic", ROOT / "mobile_web" / "templates")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2),
            "lazy_ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
HANGUL = re.compile("[\uac00-\ud7a3]")


def used_messages() -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> where it is first used."""
    used: dict[tuple[str | None, str], str] = {}
    for root in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
                str(root), METHODS, keywords=KEYWORDS, comment_tags=()):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                used.setdefault((context, msgid), f"{root.relative_to(ROOT)}/{filename}:{lineno}")
    return used


def translated(language: str) -> set[tuple[str | None, str]]:
    done = set()
    for directory in translation_dirs():
        for po in directory.glob(f"{language}/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                for message in read_po(fh):
                    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    if msgid and all(strings) and not message.fuzzy:
                        done.add((message.context, msgid))
    return done


USED = used_messages()


def test_messages_are_found_in_templates_and_services():
    assert len(USED) > 500
    assert (None, "Civic Seoul") in USED  # a template
    assert (None, "Use at least %(n)d characters.") in USED  # a service (accounts)


def test_every_message_used_has_a_korean_translation():
    korean = translated("ko")
    missing = sorted(f"{where}: {msgid!r}" + (f" (context {ctx!r})" if ctx else "")
                     for (ctx, msgid), where in USED.items() if (ctx, msgid) not in korean)
    assert not missing, "\n".join(missing)


def test_every_message_written_in_korean_has_an_english_translation():
    english = translated("en")
    missing = sorted(f"{where}: {msgid!r}" for (ctx, msgid), where in USED.items()
                     if HANGUL.search(msgid) and (ctx, msgid) not in english)
    assert not missing, "\n".join(missing)
