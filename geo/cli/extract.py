"""The extract command (filled in below)."""


def register(subparsers) -> None:
    return None
