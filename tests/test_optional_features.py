"""Features are optional: the app builds and serves without petitions, and without reports (the
package is made unimportable in a fresh interpreter, as if its folder were not there)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import json, sys
    for name in sys.argv[2:]:
        sys.modules["civic." + name] = None   # not installed: every import of it fails
    from civic import create_app, installed_features
    from civic.extensions import db
    tmp = sys.argv[1]
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": tmp + "/instance",
                      "UPLOAD_DIR": tmp + "/uploads", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + tmp + "/t.db",
                      "REDIS_URL": None, "JOBS_INLINE": True, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        pages = {url: client.get(url, headers={"Accept-Language": "ko"}).status_code
                 for url in ("/", "/stats", "/api/v1/stats/petitions?days=30", "/api/v1/stats/reports?days=30")}
        check = app.test_cli_runner().invoke(args=["stats", "check"])
        loaded = sorted(m for m in sys.modules if m.startswith("civic.") and sys.modules[m] is not None)
    print(json.dumps({"features": installed_features(), "pages": pages, "check": check.exit_code,
                      "loaded": loaded}))
""")


@pytest.mark.parametrize("missing", [("petitions",), ("reports",)])
def test_the_app_serves_without_a_feature(tmp_path, missing):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), *missing], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not set(missing) & set(result["features"]) and "stats" in result["features"]
    assert result["pages"]["/"] == 200 and result["pages"]["/stats"] == 200
    assert result["pages"]["/api/v1/stats/petitions?days=30"] == 200
    assert result["check"] == 0
    assert not [m for m in result["loaded"] if m.split(".")[1] in missing]
