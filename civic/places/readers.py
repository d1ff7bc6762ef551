"""Reading open-data files into plain records: CSV (UTF-8 or CP949), JSON (API responses or
lists), XML (the national APIs' ``<response><body><items><item>``) and GeoJSON."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from civic.errors import DomainError


class ImportFailed(DomainError):
    """A file that cannot be imported at all; nothing is written."""

    status = 422
    title = "Import failed"


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed("The file is neither UTF-8 nor CP949 (EUC-KR) text.")


def read_records(path: str | Path) -> tuple[str, list[str], list[dict]]:
    """(file type, columns, records). Columns are those of the records, in file order."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"Cannot read {path}: {exc.strerror}.") from exc
    if raw[:2] == b"\x1f\x8b":  # a gzip copy (the bundled files are stored compressed)
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ImportFailed(f"Cannot decompress {path.name}: {exc}.") from exc
    text = decode(raw)
    head = text.lstrip()[:1]
    if head in "{[" and head:
        return _read_json(text)
    if head == "<":
        return _read_xml(raw)
    return _read_csv(text)


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    return value


def _read_csv(text: str) -> tuple[str, list[str], list[dict]]:
    # newline="" keeps quoted fields with embedded newlines in one record.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise ImportFailed("The file is empty.") from None
    except csv.Error as exc:
        raise ImportFailed(f"Not a readable CSV file: {exc}.") from exc
    if len(header) < 2:
        raise ImportFailed("Not a CSV file with columns (found fewer than two).")
    records = []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            records.append({name: _clean(v) for name, v in zip(header, fields, strict=False)})
    except csv.Error as exc:
        raise ImportFailed(f"Not a readable CSV file: {exc}.") from exc
    return "csv", header, records


def _columns(records: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records[:200]:
        for key in record:
            seen.setdefault(key, None)
    return list(seen)


def _find_records(obj):
    """The list of records in an API response: response.body.items.item, {"row": [...]}, or a list."""
    if isinstance(obj, list):
        return obj if all(isinstance(x, dict) for x in obj) else None
    if isinstance(obj, dict):
        for key in ("item", "row", "items", "data", "DATA", "records"):
            if key in obj:
                value = obj[key]
                if isinstance(value, dict) and not _find_records(value):
                    return [value]  # a single <item> comes back as an object
                found = _find_records(value)
                if found is not None:
                    return found
        for value in obj.values():
            if isinstance(value, (dict, list)):
                found = _find_records(value)
                if found is not None:
                    return found
    return None


def _api_error(obj) -> str | None:
    response = obj.get("response") if isinstance(obj, dict) else None
    header = response.get("header") if isinstance(response, dict) else None
    if isinstance(header, dict):
        code = str(header.get("resultCode", "00"))
        if code not in {"00", "0", "INFO-000"}:
            return f"The API response reports an error: {code} {header.get('resultMsg', '')}".strip()
    return None


def _read_json(text: str) -> tuple[str, list[str], list[dict]]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        return _read_geojson(obj)
    error = _api_error(obj)
    if error:
        raise ImportFailed(error)
    records = _find_records(obj)
    if records is None:
        raise ImportFailed("No list of records found in the JSON file.")
    records = [{k: _clean(v) for k, v in r.items()} for r in records]
    return "json", _columns(records), records


def _read_geojson(obj: dict) -> tuple[str, list[str], list[dict]]:
    records = []
    features = obj.get("features") or []
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ImportFailed("The GeoJSON \"features\" must be a list of Feature objects.")
    for feature in features:
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise ImportFailed("A GeoJSON feature's \"properties\" must be an object.")
        props = {str(k): _clean(v) for k, v in properties.items()}
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coordinates, list)
                and len(coordinates) >= 2):
            props["__lon"], props["__lat"] = geometry["coordinates"][:2]
        if feature.get("id") is not None:
            props["__feature_id"] = str(feature["id"])
        records.append(props)
    return "geojson", _columns(records), records


def _read_xml(raw: bytes) -> tuple[str, list[str], list[dict]]:
    from lxml import etree

    # No entities, no network: a hostile file cannot read local files or call out.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFailed(f"Not well-formed XML: {exc}.") from exc
    code = root.findtext(".//header/resultCode")
    if code is not None and code.strip() not in {"00", "0"}:
        message = root.findtext(".//header/resultMsg") or ""
        raise ImportFailed(f"The API response reports an error: {code} {message}".strip())
    items = root.findall(".//item") or root.findall(".//row")
    records = [{child.tag: (child.text or "").strip() for child in item if isinstance(child.tag, str)}
               for item in items]
    if not records:
        raise ImportFailed("No <item> records found in the XML file.")
    return "xml", _columns(records), records
