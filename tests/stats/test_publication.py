"""Figures that do not mislead, the same on the page, in JSON and in CSV: 0 is 0, "<5" only for
1 to 4, a share or median on fewer than 5 cases is not given (with the reason), every row is
listed, rows are ordered by what is published, and totals never give a hidden cell away."""

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from lxml import html as lxml_html

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.stats import models as m
from civic.stats import service
from civic.stats.tracking import apply_deltas, local_day

SHARE_WITHHELD = "건수가 적어 비율을 내지 않습니다"
MEDIAN_WITHHELD = "건수가 적어 중앙값을 내지 않습니다"


@pytest.fixture
def city(app, world):
    """Three departments (in code order): BIG with 12 petitions (6 answered, 3 on time), LOW with
    1 and HIGH with 4 (each answered twice), and all the others with none. Two weeks ago 2
    petitions; last week none; this week the rest."""
    codes = sorted(world)
    big, low, high = world[codes[0]], world[codes[1]], world[codes[2]]
    today = local_day(utcnow())
    deltas: Counter = Counter()

    def add(metric, day, dept, k2="", n=1):
        deltas[(metric, day, str(dept.id), k2, "")] += n

    add(m.PETITION_RECEIVED, today, big, n=10)
    add(m.PETITION_RECEIVED, today - timedelta(days=14), big, n=2)
    add(m.PETITION_ANSWERED, today, big, n=6)
    add(m.PETITION_ON_TIME, today, big, n=3)
    add(m.PETITION_ANSWER_DAYS, today, big, "2", n=6)
    add(m.PETITION_RECEIVED, today, low, n=1)
    add(m.PETITION_RECEIVED, today, high, n=4)
    for dept in (low, high):
        add(m.PETITION_ANSWERED, today, dept, n=2)
        add(m.PETITION_ON_TIME, today, dept, n=2)
        add(m.PETITION_ANSWER_DAYS, today, dept, "1", n=2)
    with unit_of_work():
        apply_deltas(db.session.connection(), deltas)
    return {"big": big.code, "low": low.code, "high": high.code, "zero": codes[3], "today": today}


def csv_rows(client, path):
    response = client.get(path)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_counts_shares_and_medians_as_published(app, city):
    figures = service.figures(30)
    rows = {r["department"]["code"]: r for r in figures.petitions}
    big, low, high, zero = (rows[city[k]] for k in ("big", "low", "high", "zero"))
    assert (big["received"], big["answered"], big["answered_on_time_share"], big["median_working_days"]) \
        == (12, 6, 0.5, 2)
    assert big["withheld"] == {}
    # 1 to 4 cases: "<5"; a share or median on 2 answers is not given, and says why.
    assert low["received"] == "<5" and high["received"] == "<5" and low["answered"] == "<5"
    assert low["answered_on_time_share"] is None and low["median_working_days"] is None
    assert low["withheld"] == {"median_working_days": "too_few_cases", "answered_on_time_share": "too_few_cases"}
    # Nothing at all: 0, present, and its share is absent for want of cases, not hidden.
    assert (zero["received"], zero["answered"], zero["overdue"]) == (0, 0, 0)
    assert zero["withheld"] == {"median_working_days": "no_cases", "answered_on_time_share": "no_cases"}
    assert len(figures.petitions) == len(service._departments())  # every department, zeros included


def test_rows_are_ordered_by_what_is_published(app, city):
    figures = service.figures(30)
    codes = [r["department"]["code"] for r in figures.petitions]
    # HIGH (4) and LOW (1) are both "<5": they stand together in code order, LOW first, so the
    # order does not tell which is larger; the zeros come after them.
    assert codes[:3] == [city["big"], city["low"], city["high"]]
    assert all(r["received"] == 0 for r in figures.petitions[3:])
    assert codes[3:] == sorted(codes[3:])


def test_totals_do_not_give_hidden_cells_away(app, city):
    totals = service.figures(30).petition_totals
    # Exact total 17 = 12 + 1 + 4 would reveal LOW + HIGH = 5; published is the bound the table
    # already gives: 12 shown + at least 1 for each hidden row.
    assert totals["received"] == "≥ 14"
    assert totals["answered"] == "≥ 8" and totals["overdue"] == 0
    # The share and median of the totals rest only on the rows whose own figures are shown.
    assert totals["answered_on_time_share"] == 0.5 and totals["median_working_days"] == 2


def test_page_json_and_csv_say_the_same(client, app, city):
    page = client.get("/stats?days=30")
    tree = lxml_html.fromstring(page.get_data(as_text=True))
    table = tree.get_element_by_id("petitions-caption").getparent()
    body = [[c.text_content().strip() for c in tr] for tr in table.find("tbody")]
    by_name = {r[0]: r[1:] for r in body}
    names = {d.code: d.name_ko for d in service._departments().values()}
    assert by_name[names[city["big"]]] == ["12", "6", "2", "50%", "0"]
    assert by_name[names[city["low"]]] == ["<5", "<5", MEDIAN_WITHHELD, SHARE_WITHHELD, "0"]
    assert by_name[names[city["zero"]]] == ["0", "0", "—", "—", "0"]
    assert [r[0] for r in body][:3] == [names[city[k]] for k in ("big", "low", "high")]
    foot = [c.text_content().strip() for c in table.find("tfoot")[0]]
    assert foot[1:3] == ["≥ 14", "≥ 8"] and "17" not in foot
    assert tree.get_element_by_id("lower-bounds") is not None
    for share_cell in [r[4] for r in body]:
        assert share_cell != "<5"

    items = client.get("/api/v1/stats/petitions?days=30").get_json()["items"]
    assert [i["department"]["code"] for i in items][:3] == [city["big"], city["low"], city["high"]]
    low = next(i for i in items if i["department"]["code"] == city["low"])
    assert low["received"] == "<5" and low["answered_on_time_share"] is None
    assert low["withheld"]["answered_on_time_share"] == "too_few_cases"
    zero = next(i for i in items if i["department"]["code"] == city["zero"])
    assert zero["received"] == 0 and zero["overdue"] == 0 and zero["withheld"]["median_working_days"] == "no_cases"

    rows = csv_rows(client, "/api/v1/stats/petitions.csv?days=30")
    assert [r["department_code"] for r in rows] == [i["department"]["code"] for i in items]
    by_code = {r["department_code"]: r for r in rows}
    assert by_code[city["low"]]["received"] == "<5" and by_code[city["low"]]["answered_on_time_share"] == ""
    assert by_code[city["low"]]["answered_on_time_share_withheld"] == "too_few_cases"
    assert by_code[city["zero"]]["received"] == "0" and by_code[city["zero"]]["median_working_days_withheld"] \
        == "no_cases"
    assert by_code[city["big"]]["answered_on_time_share"] == "0.5"
    assert by_code[city["big"]]["answered_on_time_share_withheld"] == ""


def test_weekly_chart_and_table_agree(client, app, city):
    figures = service.figures(30)
    values = [n for _, n in figures.weekly]
    assert values.count("<5") == 1 and 0 in values and 15 in values  # 2 two weeks ago; none last week
    page = client.get("/stats?days=30").get_data(as_text=True)
    tree = lxml_html.fromstring(page)
    weekly = tree.xpath("//table[caption[contains(., '주별')]]")[0]
    cells = [tr[1].text_content() for tr in weekly.find("tbody")]
    assert cells == [str(v) for v in values]
    chart = tree.get_element_by_id("chart-weekly-title").getparent()
    bands = chart.xpath(".//*[local-name()='rect'][@class='hidden-week']")
    assert len(bands) == 1 and "<5" in bands[0].xpath("string(.//*[local-name()='title'])")
    # The hidden week is a gap in the line, never a point at 0; the zero week is on the line at 0.
    points = sum(len(p.get("points").split()) for p in chart.xpath(".//*[local-name()='polyline']"))
    points += len(chart.xpath(".//*[local-name()='circle']"))
    assert points == len(values) - 1
    assert client.get("/api/v1/stats/petitions-weekly?days=30").get_json()["items"] == [
        {"week_starting": w.isoformat(), "received": n} for w, n in figures.weekly]
    assert [r["received"] for r in csv_rows(client, "/api/v1/stats/petitions-weekly.csv?days=30")] == [
        str(v) for v in values]


def test_reports_tables_list_zeros_and_hide_only_one_to_four(client, app, world):
    from civic.reports.models import Service

    today = local_day(utcnow())
    services = db.session.query(Service).order_by(Service.code).all()
    with unit_of_work():
        apply_deltas(db.session.connection(), Counter({
            (m.REPORT_SERVICE, today, str(services[0].id), "open", ""): 3,
            (m.REPORT_DISTRICT, today, "11680", "open", ""): 3,
            (m.REPORT_FIX_DAYS, today, str(services[0].id), "1", ""): 2}))
    items = client.get("/api/v1/stats/reports-by-type?days=30").get_json()["items"]
    assert len(items) == len(services)
    first = items[0]
    assert first["service"]["code"] == services[0].code and first["reports"] == "<5"
    assert first["median_days_to_fix"] is None and first["withheld"] == {"median_days_to_fix": "too_few_cases"}
    assert all(i["reports"] == 0 for i in items[1:])
    districts = {i["district"]["code"]: i["reports"] for i in
                 client.get("/api/v1/stats/reports-by-district?days=30").get_json()["items"]}
    assert districts["11680"] == "<5" and districts["11110"] == 0 and len(districts) == 25
    statuses = {r["status"]: r["reports"] for r in csv_rows(client, "/api/v1/stats/reports-by-status.csv?days=30")}
    assert statuses["open"] == "<5" and statuses["closed"] == "0"
    page = client.get("/stats?days=30").get_data(as_text=True)
    assert MEDIAN_WITHHELD in page
