"""The places feature's words live in ``civic/places/labels.py`` and are translated there."""

from flask_babel import force_locale

from civic.places import labels


def test_labels_follow_the_language(app):
    with app.test_request_context():
        with force_locale("ko"):
            assert labels.category_label("toilet") == "공중화장실"
            assert labels.day_label("1") == "월요일"
            korean_source = labels.source_name("nemc-er-list")
        with force_locale("en"):
            assert labels.category_label("toilet") == "Public toilets"
            assert labels.category_label("new_kind") == "new kind"
            assert labels.source_name("localdata-toilet") == "Local licensing data (LOCALDATA)"
            assert labels.source_name("unknown") == "Open data"
        assert korean_source != "Emergency medical institutions list"


def test_every_category_offered_has_a_label(app):
    from civic.places import service

    with app.app_context():
        assert set(service.categories()) <= set(labels.CATEGORY_LABELS)
