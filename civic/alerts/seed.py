"""Alerts need no default rows: types and levels are fixed by CAP and Korean practice."""


def seed() -> int:
    return 0
