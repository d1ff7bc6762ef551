"""Participation has no required default data: polls and proposals are made by people."""


def seed() -> int:
    return 0
