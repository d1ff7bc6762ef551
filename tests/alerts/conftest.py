import pytest

from civic.webpush.settings import DEFAULT_PUSH_SERVICES
from tests.conftest import make_config


@pytest.fixture
def app_config(tmp_path, push_service):
    # The loopback service is plain http, so it must be allowlisted explicitly.
    return make_config(tmp_path, PUSH_SERVICE_ALLOWLIST=[*DEFAULT_PUSH_SERVICES, push_service.origin],
                       PUSH_RETRY_BASE_S="0.05", PUSH_TIMEOUT_S="1", PUSH_MAX_ATTEMPTS="3",
                       PUSH_BATCH_SIZE="4", PUSH_CONCURRENCY="8")


@pytest.fixture
def officers(app, departments):
    from tests.factories import make_user

    return (make_user("alert_officer", email="officer1@example.org"),
            make_user("alert_officer", email="officer2@example.org"))
