"""The participation rules, for every face (pages, API, CLI, jobs).

Polls live in ``polls.py`` and proposals in ``proposals.py``; this module is the one import the
faces use.
"""

from civic.participation.polls import (  # noqa: F401
    POLL_STATES,
    OptionResult,
    PollView,
    can_manage,
    cast_vote,
    close_poll,
    create_poll,
    export_results,
    get_poll,
    list_polls,
    my_vote,
    results_visible,
    view_poll,
    vote_counts,
)
from civic.participation.proposals import (  # noqa: F401
    SORTS,
    add_comment,
    categories,
    count_supports,
    create_proposal,
    expire_proposals,
    get_proposal,
    has_supported,
    hide_comment,
    hide_proposal,
    is_moderator,
    list_comments,
    list_mine,
    list_proposals,
    may_edit,
    may_respond,
    moderation_queue,
    notify_supporters,
    publish_proposal,
    report_comment,
    reported_comments,
    respond,
    review_queue,
    submit_proposal,
    support,
    threshold,
    timeline,
    update_draft,
    withdraw_support,
)


def forget_user(user) -> None:
    """Account deletion hook: proposals, comments, votes and supports stay (public, counted,
    shown as anonymous through the emptied account); the user's comment reports go."""
    from sqlalchemy import delete

    from civic.extensions import db
    from civic.participation.models import CommentReport

    db.session.execute(delete(CommentReport).where(CommentReport.user_id == user.id))
