"""Users, roles, departments, local and OpenID Connect sign-in, tokens and API clients."""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.accounts import api, cli, consent, oidc, views  # noqa: F401  (consent: its model)
    from civic.api import register_api

    oidc.register_providers(app)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.users_cli)
    app.cli.add_command(cli.clients_cli)
