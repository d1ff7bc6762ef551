"""Users, roles, departments, local and OpenID Connect sign-in, tokens and API clients."""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic import events
    from civic.accounts import api, cli, consent, oidc, views  # noqa: F401  (consent: its model)
    from civic.accounts.auth import sync_drafts_owner_cookie
    from civic.accounts.demo import retire_demo_accounts
    from civic.accounts.sessions import drafts_owner
    from civic.api import register_api

    events.subscribe(app, events.AccountCreated, retire_demo_accounts)
    oidc.register_providers(app)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.users_cli)
    app.cli.add_command(cli.clients_cli)
    app.cli.add_command(cli.departments_cli)
    app.after_request(sync_drafts_owner_cookie)

    @app.context_processor
    def _drafts_owner():
        from flask import g

        return {"drafts_owner": drafts_owner(g.get("user")) if g.get("auth_method") == "session" else ""}
