"""Database URLs as they may be shown to people: never with the password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``.

    >>> redact("postgresql://ana:s3cret@db:5432/incidents")
    'postgresql://ana:***@db:5432/incidents'
    """
    url = _KEYWORD_PASSWORD.sub(r"\1***", url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{parts.username}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def is_database_url(value: str | None) -> bool:
    """True for a postgres:// or postgresql:// URL."""
    return bool(value) and value.split("://", 1)[0] in ("postgres", "postgresql")
