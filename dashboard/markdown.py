"""Showing untrusted text inside Streamlit's Markdown elements."""

from __future__ import annotations

import re

# Every ASCII punctuation mark CommonMark lets a backslash escape: with all of them escaped no
# link, image, emphasis, HTML, LaTeX ($), colour (:red[…]) or bare-URL autolink can form.
_MARKDOWN_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def escape_markdown(text: object) -> str:
    """Text that Markdown shows literally, on one line (URL query values, names people typed)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
