from civic.accounts import service


def test_users_create_and_token(runner, departments):
    result = runner.invoke(args=["users", "create", "staff@example.org", "--password", "long enough pw",
                                 "--role", "staff", "--department", "ROADS"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "staff@example.org"]).output.strip().splitlines()[-1]
    user = service.user_for_token(token)
    assert user.email == "staff@example.org" and user.department.code == "ROADS"
    revoked = runner.invoke(args=["users", "revoke-tokens", "staff@example.org"])
    assert "revoked 1" in revoked.output
    assert service.user_for_token(token) is None


def test_users_create_reports_bad_input(runner, departments):
    result = runner.invoke(args=["users", "create", "x@example.org", "--password", "short"])
    assert result.exit_code != 0 and "password" in result.output
    result = runner.invoke(args=["users", "create", "x@example.org", "--password", "long enough pw",
                                 "--role", "staff", "--department", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output


def test_api_clients_create_prints_the_key_last(runner):
    result = runner.invoke(args=["api-clients", "create", "Seoul 120 call centre"])
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    assert service.client_for_key(key).name == "Seoul 120 call centre"


def test_seed_is_idempotent(runner, db):
    from civic.accounts.models import Department

    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert "accounts: 43 added" in first.output
    assert "accounts: 0 added" in second.output
    assert db.session.query(Department).count() == 43
