"""Polls (options, votes) and citizen proposals (supports, comments, comment reports).

One vote per account per poll and one support per account per proposal are unique constraints,
so the database, not a read-then-write check, decides who was first under concurrent requests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import Department, User
from civic.db import IdMixin, TimestampMixin, utcnow
from civic.extensions import Model
from civic.idempotency import ClientTokenMixin

RESULTS_AFTER_VOTE = "after_vote"
RESULTS_AFTER_CLOSE = "after_close"
RESULTS_VISIBILITY = (RESULTS_AFTER_VOTE, RESULTS_AFTER_CLOSE)

# Proposal statuses. ``submitted`` waits for moderation; ``expired`` did not reach the
# threshold within the support period.
DRAFT, SUBMITTED, PUBLISHED, UNDER_REVIEW, ANSWERED, HIDDEN, EXPIRED = (
    "draft", "submitted", "published", "under_review", "answered", "hidden", "expired")
PROPOSAL_STATUSES = (DRAFT, SUBMITTED, PUBLISHED, UNDER_REVIEW, ANSWERED, HIDDEN, EXPIRED)
PUBLIC_STATUSES = (PUBLISHED, UNDER_REVIEW, ANSWERED, EXPIRED)
# Supports may be given and withdrawn while the proposal is open.
OPEN_STATUSES = (PUBLISHED, UNDER_REVIEW)
OUTCOMES = ("accepted", "partly_accepted", "declined")


class Poll(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    __tablename__ = "polls"

    question_ko: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(index=True)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    district_code: Mapped[str | None] = mapped_column(String(5), index=True)
    results_visibility: Mapped[str] = mapped_column(String(20), default=RESULTS_AFTER_VOTE)
    allow_vote_change: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan")
    department: Mapped[Department | None] = relationship()

    def question(self, locale: str = "ko") -> str:
        return self.question_en if locale == "en" and self.question_en else self.question_ko

    def state(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if now < self.opens_at:
            return "upcoming"
        if now >= self.closes_at:
            return "closed"
        return "open"


class PollOption(IdMixin, Model):
    __tablename__ = "poll_options"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollVote(IdMixin, TimestampMixin, Model):
    __tablename__ = "poll_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", name="uq_poll_votes_poll_id_user_id"),
        Index("ix_poll_votes_poll_option", "poll_id", "option_id"),
    )

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime | None]


class Proposal(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_status_supports", "status", "supports_count"),)

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    district_code: Mapped[str | None] = mapped_column(String(5), index=True)
    photo_name: Mapped[str | None] = mapped_column(String(100))
    photo_thumb_name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    # Kept in step with proposal_supports by atomic UPDATEs in the same transaction.
    supports_count: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    threshold_reached_at: Mapped[datetime | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    response_due_at: Mapped[datetime | None]
    response_outcome: Mapped[str | None] = mapped_column(String(20))
    response_body: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The staff member of the department who prepares the response (the desk's assignee).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    department: Mapped[Department | None] = relationship()

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class ProposalSupport(IdMixin, TimestampMixin, Model):
    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id", name="uq_proposal_supports_proposal_id_user_id"),)

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class ProposalComment(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    __tablename__ = "proposal_comments"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    reports_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User] = relationship()


class CommentReport(IdMixin, TimestampMixin, Model):
    __tablename__ = "proposal_comment_reports"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_proposal_comment_reports_comment_id_user_id"),)

    comment_id: Mapped[int] = mapped_column(ForeignKey("proposal_comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200), default="")
