"""Nearby public facilities: toilets, pharmacies, hospitals, emergency rooms, Wi-Fi, offices,
shelters — imported from the city's open data and searched by distance."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from civic import events
    from civic.api import register_api
    from civic.places import api, cli, properties, views

    events.subscribe(app, events.PlaceChanged, properties.on_place_changed)

    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.places_cli)
