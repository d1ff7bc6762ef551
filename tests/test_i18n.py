"""Feature catalogs are merged into one at run time, so a message id must mean the same thing
everywhere: where the meaning differs, the code uses a context (pgettext)."""

from babel.messages.pofile import read_po

from civic.i18n import translation_dirs


def test_no_message_is_translated_two_ways_across_catalogs():
    seen: dict = {}
    for directory in translation_dirs():
        for po in directory.glob("ko/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                for message in read_po(fh):
                    if message.id and message.string:
                        seen.setdefault((message.context, str(message.id)), {}).setdefault(
                            str(message.string), []).append(str(po.parent.parent.parent.parent))
    conflicts = {key: values for key, values in seen.items() if len(values) > 1}
    assert conflicts == {}


def test_every_korean_catalog_is_complete():
    for directory in translation_dirs():
        for po in directory.glob("ko/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh)
            untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
            assert untranslated == [], po


def test_contexts_keep_different_meanings_apart(app):
    from flask_babel import force_locale, gettext, pgettext

    with app.test_request_context(), force_locale("ko"):
        assert pgettext("poll state", "Open") == "진행 중"
        assert pgettext("report status", "Open") == "접수"
        assert gettext("Near me") == "내 주변"
