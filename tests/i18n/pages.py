"""Every page an HTML GET route serves (enumerated from ``app.url_map``, so a new page is
covered without editing this file), and a check for interface text left in English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Not pages: machine formats, files, redirects that only switch a setting.
SKIP_ENDPOINTS = {"site.set_language", "site.set_display", "site.healthz", "site.manifest",
                  "site.service_worker", "static", "accounts.oidc_start", "accounts.oidc_callback"}
SKIP_SUFFIXES = (".geojson", ".csv", ".json", ".cap", ".atom", ".xml", "/photo")
SKIP_ARGS = {"name", "attachment_id"}  # stored files


def html_routes(app) -> list[tuple[str, object]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        if rule.rule.startswith(("/api/", "/open311", "/static")) or rule.rule.endswith(SKIP_SUFFIXES):
            continue
        if set(rule.arguments) & SKIP_ARGS:
            continue
        routes.append((rule.endpoint, rule))
    return sorted(routes, key=lambda item: item[1].rule)


def build_path(rule, values: dict) -> str | None:
    try:
        return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
    except KeyError:
        return None


# Words that are names or data, not interface text.
ALLOWED = {"seoul", "kakao", "naver", "google", "english", "open311", "geojson", "georeport", "csv",
           "json", "xml", "cap", "atom", "api", "openapi", "url", "wi-fi", "wifi", "svg", "jpeg", "png",
           "webp", "pdf", "gps", "push", "web", "id", "km", "m", "min", "ok", "sms", "qr", "v2", "v1",
           "civic", "https", "http", "exif", "openstreetmap", "javascript", "polygon"}
# e-mail and web addresses, paths, and slugs or codes (lowercase words joined by hyphens)
_URLISH = re.compile(r"\S+@\S+|https?://\S+|/[\w./?=&%-]+|\b[\w.-]+\.(org|com|kr|net)\b"
                     r"|\b[a-z0-9]+(?:-[a-z0-9]+)+\b")
_LATIN_RUN = re.compile(r"[A-Za-z][\w'’.-]*(?:[ \t]+[A-Za-z][\w'’.-]*)*", re.ASCII)
_JSON_EXAMPLE = re.compile(r"\{.*\}", re.DOTALL)


def english_runs(text: str) -> list[str]:
    """Runs of Latin words in ``text`` that read as interface text: two words or more, or one
    word of four letters or more, that is not a name or a format listed in ALLOWED."""
    text = _URLISH.sub(" ", _JSON_EXAMPLE.sub(" ", text))
    found = []
    for match in _LATIN_RUN.finditer(text):
        words = [w.strip(".'’-").lower() for w in match.group().split()]
        words = [w for w in words if w and w not in ALLOWED]
        if len(words) >= 2 or any(len(w) >= 4 for w in words):
            found.append(match.group())
    return found


class _Visible(HTMLParser):
    SKIP = {"script", "style", "code", "kbd", "samp", "pre", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}
    ATTRS = ("placeholder", "aria-label", "title", "alt")

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # True where this element hides its text from the check
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in self.SKIP or attrs.get("lang", "ko").startswith("en") or attrs.get("translate") == "no"
        if not self._skipping() and not skip:
            # (a placeholder showing a JSON example is data, not interface text)
            self.texts += [attrs[a] for a in self.ATTRS if attrs.get(a) and not attrs[a].lstrip().startswith("{")]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(data)


def untranslated_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return [run for text in parser.texts for run in english_runs(text)]
