import pytest

from civic.webpush.settings import DEFAULT_PUSH_SERVICES
from tests.conftest import make_config


@pytest.fixture
def app_config(tmp_path, push_service):
    # No quiet hours unless a test sets them: delivery must not depend on the time of day.
    return make_config(tmp_path, PUSH_SERVICE_ALLOWLIST=[*DEFAULT_PUSH_SERVICES, push_service.origin],
                       PUSH_RETRY_BASE_S="0.05", PUSH_TIMEOUT_S="1", PUSH_MAX_ATTEMPTS="3",
                       PERSONAL_PUSH_QUIET_HOURS="")


def link(push_service, user, behaviour="ok", failures=0, label=""):
    from civic.notifications import devices

    device = push_service.new_device(behaviour, failures)
    linked, _ = devices.link_device(user, {**push_service.subscription(device), "label": label})
    return device, linked
