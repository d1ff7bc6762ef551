"""Every JSON API endpoint that creates a resource (answers 201) is safe to retry: it takes an
``Idempotency-Key`` (``civic.idempotency``), unless the resource has a natural key that already
makes a retry harmless (listed here, with why)."""

NATURAL_KEY = {
    "/api/v1/polls/{poll_id}/vote": "one vote per account and poll (unique constraint)",
    "/api/v1/proposals/{proposal_id}/support": "one support per account and proposal (unique constraint)",
    "/api/v1/push/subscriptions": "one subscription per push endpoint (sent again: updated, 200)",
    "/api/v1/me/devices": "one device per push endpoint (sent again: updated, 200)",
}


def test_every_creating_post_takes_an_idempotency_key(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    creating = {path for path, operations in spec["paths"].items()
                if "201" in operations.get("post", {}).get("responses", {})}
    assert len(creating) >= 10
    without = {path for path in creating
               if not any(p["name"] == "Idempotency-Key" and p["in"] == "header"
                          for p in spec["paths"][path]["post"].get("parameters", []))}
    assert without == set(NATURAL_KEY), "add idempotency_key() (see CONTRIBUTING, JSON API bodies)"
