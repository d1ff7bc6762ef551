"""Hypothesis fuzz of the input parsers that take files and forms from outside:

- the places importers (``civic/places/readers.py``, ``importer.py``, ``mappings.py``): random
  bytes, and random rows under each official file format's real header, either import (every row
  counted as kept or skipped with a reason) or fail with ``ImportFailed`` — never anything else;
- the Open311 ``POST requests`` form parser: random form fields answer an Open311 error array
  (4xx), or a created request — never a 500.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic.places.importer import import_file
from civic.places.readers import ImportFailed, decode
from tests.places.helpers import FIXTURES

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# Values that exercise the parsers' edges: coordinates in and out of Seoul, swapped, projected,
# non-finite, hours in the sources' spellings, yes/no flags, blanks.
TRICKY = ["", " ", "nan", "inf", "-inf", "1e309", "0", "37.5665", "126.978", "127.03", "37.62",
          "200", "-91", "198000.5", "451000.25", "Y", "N", "유", "무", "24시간", "09:00~18:00",
          "25:99~-1:00", "0900", "월~금 09:00-18:00", "정시", "1,2", "서울특별시 중구 세종대로 110",
          "\x00", "\ufeff", '"', "\r\n"]
VALUES = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30),
                   st.floats(allow_nan=True, allow_infinity=True).map(str),
                   st.integers(-10**20, 10**20).map(str))


def _header(path: Path) -> list[str]:
    text = decode(path.read_bytes())
    return next(csv.reader(io.StringIO(text, newline="")))


CSV_FIXTURES = [("toilet_national_standard.csv", "toilet"), ("toilet_seoul_list.csv", "toilet"),
                ("toilet_poi_cp949.csv", "toilet"), ("emergency_rooms.csv", "emergency_room"),
                ("pharmacy_hours_cp949.csv", "pharmacy")]


def _import_bytes(raw: bytes, kind: str, suffix: str = ".csv"):
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(raw)
        handle.flush()
        try:
            summary = import_file(handle.name, kind)
        except ImportFailed as exc:
            assert exc.detail, "ImportFailed without a message"
            return None
    kept = summary.inserted + summary.updated + summary.unchanged
    assert kept + sum(summary.skipped.values()) == summary.rows
    assert all(isinstance(reason, str) and reason for reason in summary.skipped)
    return summary


@pytest.mark.parametrize("kind", ["toilet", "pharmacy", "hospital", "emergency_room", "wifi"])
def test_random_bytes_import_or_fail_cleanly(db, kind):
    @given(raw=st.one_of(st.binary(max_size=400),
                         st.text(max_size=300).map(lambda t: t.encode("utf-8")),
                         st.sampled_from([b"{", b"[]", b"{}", b"[1,2]", b"<a>", b"<item/>",
                                          b'{"type": "FeatureCollection", "features": [1]}',
                                          b'{"response": {"header": "x"}}', b'{"row": {"a": 1}}',
                                          b"a,b\n\"unterminated", b"\xef\xbb\xbf", b"\x80\x81"])))
    @FUZZ
    def fuzz(raw):
        _import_bytes(raw, kind, ".dat")

    fuzz()


@pytest.mark.parametrize(("fixture", "kind"), CSV_FIXTURES)
def test_random_rows_under_real_headers_give_skip_reasons(db, fixture, kind):
    header = _header(FIXTURES / fixture)

    @given(rows=st.lists(st.lists(VALUES, min_size=0, max_size=len(header) + 2), min_size=1, max_size=6))
    @FUZZ
    def fuzz(rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        _import_bytes(buffer.getvalue().encode("utf-8"), kind)

    fuzz()


def test_random_json_records_give_skip_reasons(db):
    sample = json.loads((FIXTURES / "moonlight_hospitals.json").read_text())
    text = json.dumps(sample)
    keys = sorted({k for k in ("data_key", "name", "position", "addr", "tel") if k in text} |
                  {"data_key", "name", "position", "hours"})
    json_values = st.one_of(VALUES, st.none(), st.integers(), st.floats(),
                            st.fixed_dictionaries({}, optional={"monday": st.one_of(
                                st.integers(), st.fixed_dictionaries({}, optional={
                                    "start": VALUES, "end": VALUES}))}),
                            st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                 st.integers(), max_size=2))

    @given(records=st.lists(st.fixed_dictionaries({}, optional={k: json_values for k in keys}),
                            min_size=1, max_size=5))
    @FUZZ
    def fuzz(records):
        _import_bytes(json.dumps({"DATA": records}).encode(), "hospital", ".json")

    fuzz()


OPEN311_FIELDS = ["service_code", "lat", "long", "address_string", "address_id", "description",
                  "media_url", "email", "phone", "first_name", "last_name", "device_id", "account_id",
                  "jurisdiction_id", "attribute[SIZE]", "attribute[BLOCKING]", "attribute[]"]
FORM_VALUES = st.one_of(st.sampled_from(TRICKY + ["pothole", "flooding", "fallen_tree", "small",
                                                  "yes", "37.5125", "127.059", "http://127.0.0.1/x",
                                                  "a@example.org"]),
                        st.text(max_size=40))


def test_open311_post_answers_open311_errors_never_500(client, departments):
    from civic.accounts.service import create_api_client
    from civic.reports.seed import seed

    seed()
    key = create_api_client("fuzz")[1]

    @given(fields=st.dictionaries(st.one_of(st.sampled_from(OPEN311_FIELDS), st.text(max_size=12)),
                                  FORM_VALUES, max_size=10),
           fmt=st.sampled_from(["json", "xml"]))
    @FUZZ
    def fuzz(fields, fmt):
        response = client.post(f"/open311/v2/requests.{fmt}", data={**fields, "api_key": key})
        assert response.status_code < 500, (fields, response.get_data(as_text=True)[:300])
        if response.status_code >= 400 and fmt == "json":
            body = response.get_json()
            assert isinstance(body, list) and body[0]["code"] == response.status_code, body
            assert body[0]["description"]
        elif response.status_code >= 400:
            assert response.get_data(as_text=True).lstrip().startswith("<?xml")

    fuzz()


@pytest.mark.parametrize("raw", [b'{"type": "FeatureCollection", "features": [1]}',
                                 b'{"type": "FeatureCollection", "features": [{"properties": 3}]}',
                                 b'{"type": "FeatureCollection", "features": {"a": 1}}',
                                 b'{"response": "x", "row": []}'])
def test_malformed_json_shapes_are_import_failures(db, raw):
    """Regression: these raised AttributeError from the readers."""
    with pytest.raises(ImportFailed):
        with tempfile.NamedTemporaryFile(suffix=".json") as handle:
            handle.write(raw)
            handle.flush()
            import_file(handle.name, "toilet")


def test_moonlight_records_with_odd_shapes_are_skipped_not_crashing(db):
    """Regression: a non-list ``position`` or non-object ``hours`` raised TypeError."""
    records = [{"data_key": "1", "name": "A", "position": 5, "hours": 3},
               {"data_key": "2", "name": "B", "position": [37.5665, 126.978], "hours": {"monday": 1}}]
    summary = _import_bytes(json.dumps({"DATA": records}).encode(), "hospital", ".json")
    assert summary is not None and summary.rows == 2 and sum(summary.skipped.values()) == 1
