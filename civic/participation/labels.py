"""Labels of participation values in the page's language: one home for pages, forms and
templates (``proposal_status_label``, ``proposal_category_label``, ``proposal_outcome_label``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for moderation"),
    "published": _l("Collecting supports"),
    "under_review": _l("Under review"),
    "answered": _l("Answered"),
    "hidden": _l("Hidden"),
    "expired": _l("Expired"),
}

OUTCOME_LABELS = {
    "accepted": _l("Accepted"),
    "partly_accepted": _l("Partly accepted"),
    "declined": _l("Declined"),
}

CATEGORY_LABELS = {
    "transport": _l("Transport"),
    "roads": _l("Roads"),
    "environment": _l("Environment"),
    "parks": _l("Parks and green spaces"),
    "safety": _l("Safety"),
    "welfare": _l("Welfare"),
    "health": _l("Health"),
    "housing": _l("Housing"),
    "accessibility": _l("Accessibility"),
    "cleaning": _l("Cleaning and recycling"),
    "other": _l("Other"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


TEMPLATE_HELPERS = {"proposal_status_label": status_label, "proposal_category_label": category_label,
                    "proposal_outcome_label": outcome_label}
