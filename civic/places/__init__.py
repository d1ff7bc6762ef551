"""Nearby public facilities: toilets, pharmacies, hospitals, emergency rooms, Wi-Fi, offices,
shelters — imported from the city's open data and searched by distance."""

from __future__ import annotations

import os

from flask import Flask

DEFAULT_CATEGORIES = "toilet,pharmacy,hospital,emergency_room,wifi,public_office,shelter"


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.places import api, cli, views

    app.config.setdefault("PLACES_CATEGORIES", os.environ.get("PLACES_CATEGORIES", DEFAULT_CATEGORIES))
    if isinstance(app.config["PLACES_CATEGORIES"], str):
        app.config["PLACES_CATEGORIES"] = [c.strip() for c in app.config["PLACES_CATEGORIES"].split(",") if c.strip()]
    for name, default in (("PLACES_DEFAULT_RADIUS_M", 2000), ("PLACES_MAX_RADIUS_M", 20000),
                          ("PLACES_BBOX_MAX_DEG", 0.5), ("PLACES_PAGE_RADIUS_M", 3000),
                          ("PLACES_WIDEN_BELOW", 3)):
        app.config.setdefault(name, os.environ.get(name, default))
        app.config[name] = float(app.config[name]) if name == "PLACES_BBOX_MAX_DEG" else int(app.config[name])
    app.config.setdefault("PLACES_LANDMARKS_FILE", os.environ.get("PLACES_LANDMARKS_FILE", ""))
    app.config.setdefault("PLACES_SEED_FILES", os.environ.get("PLACES_SEED_FILES", ""))

    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.places_cli)
