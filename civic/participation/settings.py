"""Participation settings (the registry is civic/settings.py) and the city's time helpers for polls
and proposals."""

from __future__ import annotations

from civic.settings import Setting, json_value, non_negative, positive, rate_limit

# Proposal category -> department code that answers proposals of that category once they reach
# the threshold.
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


def department_map(value) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return 'must be a JSON object such as {"roads": "ROADS"}'
    return None


SETTINGS = [
    Setting("PROPOSAL_SUPPORT_THRESHOLD", int, 50, "Supports that send a proposal for an official response.",
            check=positive),
    Setting("PROPOSAL_SUPPORT_DAYS", int, 30, "Support period of a published proposal, in days.", check=positive),
    Setting("PROPOSAL_RESPONSE_DAYS", int, 30, "Days the department has for its official response.",
            check=positive),
    Setting("PROPOSAL_DEFAULT_DEPARTMENT", str, "CITIZEN-COMM", "Department for proposal categories not mapped."),
    Setting("PROPOSAL_CATEGORY_DEPARTMENTS", json_value, DEFAULT_CATEGORY_DEPARTMENTS, "JSON map: which "
            "department answers which proposal category (the keys are the categories offered).",
            check=department_map, shown_default="JSON map (see civic/participation/settings.py)"),
    Setting("PARTICIPATION_MIN_ACCOUNT_AGE_HOURS", int, 0, "Hours an account must exist before it may vote, "
            "support or propose.", check=non_negative),
    Setting("PARTICIPATION_VOTE_RATE_LIMIT", str, "10/minute", "Votes per account.", check=rate_limit),
    Setting("PARTICIPATION_SUPPORT_RATE_LIMIT", str, "30/minute", "Supports per account.", check=rate_limit),
    Setting("PARTICIPATION_COMMENT_RATE_LIMIT", str, "10/minute;100/day", "Comments per account.",
            check=rate_limit),
    Setting("PARTICIPATION_SUBMIT_RATE_LIMIT", str, "5/hour;20/day", "Proposal submissions per account.",
            check=rate_limit),
]
