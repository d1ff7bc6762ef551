"""OASIS CAP 1.2: one ``<alert>``, or an Atom or RSS feed whose entries hold one inline or link
to one (``application/cap+xml``, fetched by the caller's ``fetch``).

Every alert is validated against the CAP 1.2 XSD shipped in ``civic/alerts/data``; one that
fails (a CAP 1.1 document, a missing ``<scope>``, an external-entity attack) is refused alone
and the rest of the feed is read. XML is parsed without DTDs, entities or network access.
Only ``Actual`` ``Public`` messages are relayed; the others are read and skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from civic.alerts.cap import ATOM_NS, CAP_NS
from civic.alerts.readers import (
    Message,
    Refused,
    UnreadableDocument,
    headline_from,
    level_for,
    type_for,
    type_for_event_code,
)

XSD_PATH = Path(__file__).resolve().parent.parent / "data" / "CAP-v1.2.xsd"
CAP_MIME = "application/cap+xml"
MAX_FEED_ENTRIES = 100
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
SEVERITY_LEVELS = {"Extreme": "emergency", "Severe": "urgent"}
N = {"cap": CAP_NS}


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH), _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def parse_xml(data: bytes):
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"not well-formed XML: {exc}") from None


def read(data: bytes, fetch: Callable[[str], bytes] | None = None) -> list[Message | Refused]:
    """The messages of a CAP document or feed. ``fetch(url)`` reads a linked CAP document (any
    exception it raises refuses that entry only)."""
    root = parse_xml(data)
    tag = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if tag == "alert":
        return [_checked(root, "document")]
    if tag == "feed" and etree.QName(root).namespace == ATOM_NS:
        entries = root.findall(f"{{{ATOM_NS}}}entry")
        return [_entry(entry, f"entry[{i}]", fetch, atom=True) for i, entry in enumerate(entries[:MAX_FEED_ENTRIES])]
    if tag == "rss":
        items = root.findall("channel/item")
        return [_entry(item, f"item[{i}]", fetch, atom=False) for i, item in enumerate(items[:MAX_FEED_ENTRIES])]
    raise UnreadableDocument(f"neither a CAP alert nor an Atom/RSS feed (root element {tag!r})")


def _entry(entry, where: str, fetch, *, atom: bool) -> Message | Refused:
    inline = entry.find(f".//{{{CAP_NS}}}alert")
    if inline is not None:
        return _checked(inline, where)
    url = _cap_link(entry, atom)
    if url is None:
        return Refused(where, "no CAP document inline or linked")
    if fetch is None:
        return Refused(where, "linked CAP document not fetched")
    try:
        data = fetch(url)
        root = parse_xml(data)
    except Exception as exc:  # noqa: BLE001 - one unreadable linked document refuses that entry only
        return Refused(f"{where} {url}", f"{type(exc).__name__}: {exc}"[:200])
    return _checked(root, f"{where} {url}")


def _cap_link(entry, atom: bool) -> str | None:
    if atom:
        links = entry.findall(f"{{{ATOM_NS}}}link")
        for link in links:
            if (link.get("type") or "").startswith(CAP_MIME) and link.get("href"):
                return link.get("href")
        for link in links:
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                return link.get("href")
        return None
    enclosure = entry.find("enclosure")
    if enclosure is not None and (enclosure.get("type") or "").startswith(CAP_MIME) and enclosure.get("url"):
        return enclosure.get("url")
    link = entry.findtext("link")
    return link.strip() if link and link.strip() else None


def _checked(alert, where: str) -> Message | Refused:
    """An alert element that passes the XSD, read; a Refused otherwise."""
    if etree.QName(alert).namespace != CAP_NS:
        return Refused(where, f"not CAP 1.2 (namespace {etree.QName(alert).namespace!r})")
    document = etree.ElementTree(alert) if alert.getparent() is None else etree.ElementTree(_copy(alert))
    if not schema().validate(document):
        error = schema().error_log.last_error
        return Refused(where, f"invalid CAP 1.2: {error.message if error else 'schema error'}"[:200])
    try:
        return _message(document.getroot())
    except (ValueError, TypeError) as exc:
        return Refused(where, f"unreadable CAP: {exc}"[:200])


def _copy(element):
    return etree.fromstring(etree.tostring(element), _parser())


def _text(parent, path: str) -> str:
    return (parent.findtext(path, namespaces=N) or "").strip()


def cap_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"a CAP time needs its offset: {value!r}")
    return parsed


def parse_references(text: str) -> list[tuple[str, str]]:
    """``sender,identifier,sent`` triples separated by whitespace -> (sender, identifier)."""
    pairs = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) >= 2 and parts[0] and parts[1]:
            pairs.append((parts[0], parts[1]))
    return pairs


def _info(alert, language: str):
    infos = alert.findall("cap:info", N)
    for info in infos:
        if _text(info, "cap:language").lower().startswith(language):
            return info
    if language == "ko":
        # No Korean block: the one without a language (CAP's default en-US) or the first.
        return next((i for i in infos if not _text(i, "cap:language")), infos[0] if infos else None)
    return None


def _message(alert) -> Message:
    sender, identifier = _text(alert, "cap:sender"), _text(alert, "cap:identifier")
    msg_type, status, scope = _text(alert, "cap:msgType"), _text(alert, "cap:status"), _text(alert, "cap:scope")
    message = Message(source=f"cap:{sender}", serial=identifier, sent=cap_datetime(_text(alert, "cap:sent")),
                      body_ko="", msg_type=msg_type)
    message.references = [(f"cap:{s}", i) for s, i in parse_references(_text(alert, "cap:references"))]
    info = _info(alert, "ko")
    skip = ""
    if status != "Actual":
        skip = f"status {status}"
    elif scope != "Public":
        skip = f"scope {scope}"
    elif msg_type not in ("Alert", "Update", "Cancel"):
        skip = f"msgType {msg_type}"
    elif info is None and msg_type != "Cancel":
        skip = "no <info>"
    message.skip_reason = skip
    if info is None:
        message.body_ko = message.headline_ko = msg_type
        return message
    event = _text(info, "cap:event")
    description = _text(info, "cap:description")
    headline = _text(info, "cap:headline")
    message.body_ko = description or headline or event
    message.headline_ko = headline_from(headline or event or description, 160)
    message.instruction_ko = _text(info, "cap:instruction")
    codes = [_text(code, "cap:value") for code in info.findall("cap:eventCode", N)]
    message.type = next((t for t in (type_for(event), *map(type_for_event_code, codes)) if t and t != "other"),
                        type_for(headline, description))
    parameters = " ".join(_text(p, "cap:value") for p in info.findall("cap:parameter", N))
    severity, urgency = _text(info, "cap:severity"), _text(info, "cap:urgency")
    level = level_for(parameters) or SEVERITY_LEVELS.get(severity) or "safety"
    if message.type == "air_raid" and urgency == "Immediate" and severity in ("Extreme", "Severe"):
        level = "emergency"   # 민방공 경보: a 위급재난 message in Korea's own rules
    message.level = level
    message.source_name = _text(info, "cap:senderName") or sender
    expires = _text(info, "cap:expires")
    message.expires = cap_datetime(expires) if expires else None
    english = _info(alert, "en")
    if english is not None and english is not info:
        message.headline_en = headline_from(_text(english, "cap:headline") or _text(english, "cap:event"), 160)
        message.body_en = _text(english, "cap:description")
        message.instruction_en = _text(english, "cap:instruction")
    for area in info.findall("cap:area", N):
        desc = _text(area, "cap:areaDesc")
        message.region_names.extend(part.strip() for part in desc.split(",") if part.strip())
        message.region_codes.extend(_text(g, "cap:value") for g in area.findall("cap:geocode", N))
    return message
