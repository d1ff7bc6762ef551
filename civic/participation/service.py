"""The participation rules, for every face (pages, API, CLI, jobs).

Polls live in ``polls.py``; proposals in ``proposals.py`` (reading, visibility), ``drafting.py``
(drafts and moderation), ``supports.py`` (supports, threshold, expiry), ``responses.py`` and
``comments.py``. This module is the one import the faces use.
"""

from civic.participation.comments import add_comment, hide_comment, report_comment, reported_comments  # noqa: F401
from civic.participation.drafting import (  # noqa: F401
    create_proposal,
    hide_proposal,
    may_edit,
    moderation_queue,
    publish_proposal,
    submit_proposal,
    update_draft,
)
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
    categories,
    get_proposal,
    has_supported,
    is_moderator,
    list_comments,
    list_mine,
    list_proposals,
    may_respond,
    threshold,
    timeline,
)
from civic.participation.responses import assign_proposal, notify_supporters, respond, review_queue  # noqa: F401
from civic.participation.supports import count_supports, expire_proposals, support, withdraw_support  # noqa: F401


def forget_user(user) -> None:
    """Account deletion hook: proposals, comments, votes and supports stay (public, counted,
    shown as anonymous through the emptied account); the user's comment reports go."""
    from sqlalchemy import delete

    from civic.extensions import db
    from civic.participation.models import CommentReport

    db.session.execute(delete(CommentReport).where(CommentReport.user_id == user.id))
