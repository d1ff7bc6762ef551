"""Feature settings: defaults set in ``init_app`` from the environment, read here with types."""

from __future__ import annotations

import json
import os

from flask import Flask, current_app

# Proposal category -> department code that answers proposals of that category once they reach
# the threshold. Overridable as JSON in PROPOSAL_CATEGORY_DEPARTMENTS.
DEFAULT_CATEGORY_DEPARTMENTS = {
    "transport": "TRAFFIC",
    "roads": "ROADS",
    "environment": "ENVIRONMENT",
    "parks": "PARKS",
    "safety": "SAFETY",
    "welfare": "WELFARE",
    "health": "HEALTH",
    "housing": "HOUSING",
    "accessibility": "ACCESSIBILITY",
    "cleaning": "CLEANING",
    "other": "CITIZEN-COMM",
}

DEFAULTS = {
    "PROPOSAL_SUPPORT_THRESHOLD": "50",
    "PROPOSAL_SUPPORT_DAYS": "30",
    "PROPOSAL_RESPONSE_DAYS": "30",
    "PROPOSAL_DEFAULT_DEPARTMENT": "CITIZEN-COMM",
    "PROPOSAL_CATEGORY_DEPARTMENTS": json.dumps(DEFAULT_CATEGORY_DEPARTMENTS),
    "PARTICIPATION_MIN_ACCOUNT_AGE_HOURS": "0",
    "PARTICIPATION_VOTE_RATE_LIMIT": "10/minute",
    "PARTICIPATION_SUPPORT_RATE_LIMIT": "30/minute",
    "PARTICIPATION_COMMENT_RATE_LIMIT": "10/minute;100/day",
    "PARTICIPATION_SUBMIT_RATE_LIMIT": "5/hour;20/day",
}


def set_defaults(app: Flask) -> None:
    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name, default))


def get_int(name: str) -> int:
    return int(current_app.config[name])


def get_str(name: str) -> str:
    return str(current_app.config[name])


def category_departments() -> dict[str, str]:
    value = current_app.config["PROPOSAL_CATEGORY_DEPARTMENTS"]
    return json.loads(value) if isinstance(value, str) else dict(value)
