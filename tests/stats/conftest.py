import pytest


@pytest.fixture
def app_config(tmp_path):
    from tests.conftest import make_config

    # Every request recomputes from the aggregates (no per-process cache), so tests see each change.
    return make_config(tmp_path, STATS_CACHE_SECONDS=0, PERSONAL_PUSH_QUIET_HOURS="")


@pytest.fixture
def world(departments):
    """Seeded petition types, report services and routing (through each feature's seed)."""
    from civic.petitions.seed import seed as seed_petitions
    from civic.reports.seed import seed as seed_reports

    seed_petitions()
    seed_reports()
    return departments
