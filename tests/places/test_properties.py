"""The stored GeoJSON properties of a place follow its columns (PlaceChanged), and
`flask places refresh-properties` rewrites rows of an older properties version."""

import json

from sqlalchemy import select, update

from civic import events
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.places.importer import import_file
from civic.places.matching import dial_number
from civic.places.models import PROPERTIES_VERSION, STATIC_PROPERTIES, Place
from tests.places.helpers import FIXTURES, place


def assert_stored_matches_columns(place_id: int) -> None:
    db.session.expire_all()
    row = db.session.execute(select(Place).where(Place.id == place_id)).scalar_one()
    stored = json.loads(row.properties_json)
    for name in STATIC_PROPERTIES:
        column = getattr(row, name)
        if name in ("attributes", "details"):
            column = column or {}
        assert stored[name] == column, name
    assert stored["tel"] == dial_number(row.phone)
    assert stored["updated_at"] == row.updated_at.isoformat()
    assert row.properties_version == PROPERTIES_VERSION


def test_a_new_place_stores_its_columns(db):
    created = place("시청 화장실", phone="02-120", attributes={"wheelchair": True},
                    hours_text="09:00~18:00")
    assert_stored_matches_columns(created.id)


def test_a_column_change_rewrites_the_stored_properties_in_the_same_transaction(db):
    created = place("옛 이름")
    with unit_of_work():
        row = db.session.get(Place, created.id)
        row.name, row.phone, row.updated_at = "새 이름", "02-2133-0001", utcnow()
        events.emit(events.PlaceChanged(row.id))
    assert json.loads(db.session.get(Place, created.id).properties_json)["name"] == "새 이름"
    assert_stored_matches_columns(created.id)


def test_a_reimport_that_changes_a_row_rewrites_its_properties(db, tmp_path):
    import_file(FIXTURES / "toilet_national_standard.csv", "toilet")
    text = (FIXTURES / "toilet_national_standard.csv").read_text(encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text(text.replace("올림픽기념국민생활관", "올림픽기념국민생활관 (새 이름)"), encoding="utf-8")
    assert import_file(changed, "toilet").updated == 1
    renamed = db.session.scalars(select(Place).where(Place.name == "올림픽기념국민생활관 (새 이름)")).one()
    assert_stored_matches_columns(renamed.id)
    for place_id in db.session.scalars(select(Place.id)):
        assert_stored_matches_columns(place_id)


def test_refresh_properties_rewrites_rows_of_an_older_version(app, db):
    current, old, never = (place(f"화장실 {i}").id for i in range(3))
    with unit_of_work():
        # What an older release left behind: another serialisation, and rows from before the column.
        db.session.execute(update(Place).where(Place.id == old)
                           .values(properties_json='{"name":"stale"}', properties_version=0))
        db.session.execute(update(Place).where(Place.id == never).values(properties_json=None, properties_version=0))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["places", "refresh-properties"])
    assert result.exit_code == 0 and "refreshed 2 place(s)" in result.output
    for place_id in (current, old, never):
        assert_stored_matches_columns(place_id)
    assert "refreshed 0 place(s)" in runner.invoke(args=["places", "refresh-properties"]).output
