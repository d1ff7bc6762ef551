"""A readable page for the generated OpenAPI document (no third-party script or CDN)."""

from flask import Blueprint, render_template

from civic.extensions import api

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@bp.route("/api/v1/docs")
def docs():
    spec = api.spec.to_dict()
    operations = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                op = item[method]
                operations.append({
                    "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                    "description": op.get("description", ""), "tags": op.get("tags", []),
                    "parameters": [p for p in op.get("parameters", []) + item.get("parameters", [])],
                    "has_body": "requestBody" in op,
                    "responses": sorted(op.get("responses", {}).keys()),
                    "secured": bool(op.get("security")),
                })
    return render_template("api/docs.html", spec=spec, operations=operations)
