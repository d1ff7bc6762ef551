import json

from civic.audit import AuditEntry
from civic.reports import service


def test_seed_command_adds_services_and_rules_once(runner, departments):
    first = runner.invoke(args=["seed"])
    assert "reports: 64 added" in first.output
    assert "reports: 0 added" in runner.invoke(args=["seed"]).output


def test_routing_commands(runner, catalog, db):
    result = runner.invoke(args=["reports", "route", "pothole", "11680", "GU-11680"])
    assert result.exit_code == 0, result.output
    assert service.route_report("pothole", "11680").code == "GU-11680"
    assert "pothole\t11680\tGU-11680" in runner.invoke(args=["reports", "routes"]).output
    assert runner.invoke(args=["reports", "route", "pothole", "11680"]).exit_code == 0
    assert service.route_report("pothole", "11680").code == "ROADS"
    bad = runner.invoke(args=["reports", "route", "*", "99999", "ROADS"])
    assert bad.exit_code != 0 and "99999" in bad.output
    assert db.session.query(AuditEntry).count() == 0     # the CLI acts as the operator, not a user


def test_service_command(runner, catalog, tmp_path):
    attrs = tmp_path / "attrs.json"
    attrs.write_text(json.dumps([{"code": "DB", "datatype": "number", "required": True,
                                  "description": "How loud (dB)?"}]))
    result = runner.invoke(args=["reports", "service", "noise", "--name-ko", "소음", "--name-en", "Noise",
                                 "--expected-hours", "48", "--attributes", str(attrs)])
    assert result.exit_code == 0, result.output
    noise = service.get_service("noise")
    assert noise.expected_hours == 48 and noise.attributes[0]["datatype"] == "number"
    runner.invoke(args=["reports", "service", "noise", "--inactive"])
    assert "noise" not in {s.code for s in service.list_services()}
    assert "(inactive)" in runner.invoke(args=["reports", "services"]).output
    assert runner.invoke(args=["reports", "service", "Bad Code!"]).exit_code != 0
