"""First-view weight of every citizen page: compressed HTML + CSS + JS, and request count.

Budget: 30 KB (brotli or gzip, whichever the page is served with) for HTML + CSS + JS together.
Prints one line per page and exits non-zero when any page is over budget. Images, photos and the
map library are not counted: they load only on demand (lazy, or when a map is shown).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET = 30 * 1024
# Citizen pages; feature pages that are not installed answer 404 and are reported as skipped.
PAGES = ["/", "/login", "/register", "/offline", "/places", "/reports", "/reports/new",
         "/reports/new?step=3&service_code=pothole&lat=37.5126&lon=127.059", "/maps",
         "/petitions", "/petitions/new", "/participate", "/polls", "/proposals", "/alerts", "/alerts/guides",
         "/alerts/guides/earthquake"]
# The staff desk with a full screen of rows (100), signed in as staff of the department.
STAFF_PAGES = ["/staff/petitions", "/staff/reports", "/staff/participation/review"]
SIGNED_IN = {"/petitions", "/petitions/new", "/reports/new",
             "/reports/new?step=3&service_code=pothole&lat=37.5126&lon=127.059"}


def _fill_the_desk() -> None:
    """A staff member of 도로관리과 with a screen of 100 petitions and 100 reports to triage (road
    petitions reach the department from the district office, as in the demo)."""
    from civic.accounts.service import create_user
    from civic.petitions import service as petitions
    from civic.petitions import triage
    from civic.reports import service as reports

    citizen = create_user("citizen.desk@example.org", "a long enough password", "citizen", None, "김시민")
    admin = create_user("admin.desk@example.org", "a long enough password", "admin", None, "관리자")
    create_user("desk@example.org", "a long enough password", "staff", "ROADS", "이도로")
    for n in range(100):
        petition = petitions.file_petition(citizen, type_code="road", title=f"강남대로 보도블록이 깨졌습니다 {n}",
                                           body="보도블록이 깨졌습니다.", district="11680")
        triage.transfer(admin, petition.receipt_no, "ROADS", "시 관리 도로")
        reports.create_report(service_code="pothole", location=reports.resolve_location(37.5125, 127.0590),
                              description=f"포트홀 {n}", attributes={"SIZE": "small"}, reporter=citizen)


def main() -> int:
    from civic import create_app
    from civic.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="civic-weight-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'w.db'}", "INSTANCE_PATH": str(tmp),
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    over = 0
    with app.app_context():
        db.create_all()
        from bench._common import seed_every_feature

        seed_every_feature()
        from civic.accounts.consent import CURRENT_VERSION
        from civic.accounts.service import register_local

        register_local("weight@example.org", "a long enough password", privacy_consent=CURRENT_VERSION)
        _fill_the_desk()
    client = app.test_client()
    signed_in = app.test_client()
    signed_in.post("/login", data={"email": "weight@example.org", "password": "a long enough password"})
    staff = app.test_client()
    staff.post("/login", data={"email": "desk@example.org", "password": "a long enough password"})
    print(f"{'page':<28}{'html':>8}{'css':>8}{'js':>8}{'total':>9}{'requests':>10}  encoding")
    for path in PAGES + STAFF_PAGES:
        browser = staff if path in STAFF_PAGES else signed_in if path in SIGNED_IN else client
        response = browser.get(path, headers={"Accept-Encoding": "br, gzip"})
        if response.status_code == 404:
            print(f"{path[:27]:<28} (not installed)")
            continue
        if response.status_code != 200:
            print(f"{path[:27]:<28} HTTP {response.status_code}")
            over += 1
            continue
        html = response.get_data()
        text = response.get_data(as_text=True) if not response.headers.get("Content-Encoding") else \
            browser.get(path).get_data(as_text=True)
        assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', text)
        sizes = {"css": 0, "js": 0}
        for kind, urls in (("css", assets), ("js", scripts)):
            for url in urls:
                if url.startswith("http"):
                    print(f"  third-party {kind} on {path}: {url}")
                    over += 1
                    continue
                sizes[kind] += len(browser.get(url, headers={"Accept-Encoding": "br, gzip"}).get_data())
        total = len(html) + sizes["css"] + sizes["js"]
        flag = "" if total <= BUDGET else "  OVER BUDGET"
        over += bool(flag)
        requests = 1 + len(assets) + len(scripts)
        encoding = response.headers.get("Content-Encoding", "identity")
        print(f"{path[:27]:<28}{len(html):>8}{sizes['css']:>8}{sizes['js']:>8}{total:>9}{requests:>10}"
              f"  {encoding}{flag}")
    print(f"budget {BUDGET} bytes per page; {'all within budget' if not over else f'{over} page(s) over budget'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
