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
SIGNED_IN = {"/petitions", "/petitions/new", "/reports/new",
             "/reports/new?step=3&service_code=pothole&lat=37.5126&lon=127.059"}


def main() -> int:
    from civic import create_app
    from civic.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="civic-weight-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'w.db'}", "INSTANCE_PATH": str(tmp),
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    over = 0
    with app.app_context():
        db.create_all()
        import importlib

        from civic import installed_features
        for name in installed_features():
            try:
                importlib.import_module(f"civic.{name}.seed").seed()
            except ModuleNotFoundError:
                pass
        from civic.accounts.consent import CURRENT_VERSION
        from civic.accounts.service import register_local

        register_local("weight@example.org", "a long enough password", privacy_consent=CURRENT_VERSION)
    client = app.test_client()
    signed_in = app.test_client()
    signed_in.post("/login", data={"email": "weight@example.org", "password": "a long enough password"})
    print(f"{'page':<28}{'html':>8}{'css':>8}{'js':>8}{'total':>9}{'requests':>10}  encoding")
    for path in PAGES:
        browser = signed_in if path in SIGNED_IN else client
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
