"""The staff console's view of the statistics: their department's figures and what is due soon."""

from __future__ import annotations

from civic.stats import service


def department_overview(user, days: int = 30) -> dict:
    """Template values for ``/staff``: ``dept_stats`` (figures) and ``due_soon`` (petitions)."""
    if user is None or (user.department_id is None and not user.has_role("admin")):
        return {}
    days = days if days in service.WINDOWS else 30
    figures = service.department_figures(user, days)
    due_soon = []
    try:
        from civic.petitions.triage import QueueFilter, queue
    except ImportError:
        pass
    else:
        due_soon = queue(user, QueueFilter(due_soon=True, sort="due"), 1, 20).items
    return {"dept_stats": figures, "due_soon": due_soon, "stats_days": days, "stats_windows": service.WINDOWS}
