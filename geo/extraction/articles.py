"""Reading an article: plain text or HTML (only the article body), from a file or stdin."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from geo.errors import GeoError

MAX_BYTES = 2_000_000
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "header", "footer", "aside",
              "form", "button", "iframe"}
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
               "blockquote", "time", "main", "ul", "ol", "table"}
_VOID_TAGS = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col", "embed"}


class ArticleError(GeoError):
    """An article file cannot be read as text (empty, binary, not UTF-8, too large, broken HTML)."""


@dataclass(frozen=True)
class Article:
    """The text of one article and what its file said about it."""

    name: str
    text: str
    published: str | None = None
    title: str | None = None


class _TextParser(HTMLParser):
    """Collect visible text, preferring <article>/<main> and skipping page chrome."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self.skip_depth = 0
        self.open: list[str] = []
        self.published: str | None = None
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and not self.published:
            key = (values.get("property") or values.get("name") or "").lower()
            if key in ("article:published_time", "dc.date.created", "date", "pubdate"):
                self.published = (values.get("content") or "")[:10] or None
        if tag == "title":
            self._in_title = True
        if tag in _VOID_TAGS:
            if tag == "br":
                self._text("\n")
            return
        self.open.append(tag)
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        if tag in _BLOCK_TAGS:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID_TAGS or tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            if closed in _SKIP_TAGS:
                self.skip_depth -= 1
            if closed == tag:
                break
        if tag in _BLOCK_TAGS:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.title:
            self.title = data.strip()
        self._text(data)

    def _text(self, data: str) -> None:
        if self.skip_depth:
            return
        for key in ("article", "main"):
            if key in self.open:
                self.parts[key].append(data)
        self.parts["body"].append(data)

    def text(self) -> str:
        for key in ("article", "main", "body"):
            text = "".join(self.parts[key])
            if text.strip():
                return text
        return ""


def html_to_text(html: str, name: str = "<html>") -> tuple[str, str | None, str | None]:
    """Visible text of an HTML page (the <article> when there is one), its publication date and title."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError) as err:  # html.parser is lenient; these are the rare failures
        raise ArticleError(f"{name}: the HTML cannot be parsed ({err}) — save the page again or paste its text") from err
    text = re.sub(r"[ \t\u00a0]+\n", "\n", parser.text())
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip(), parser.published, parser.title


def decode_article(content: bytes, name: str, max_bytes: int = MAX_BYTES) -> Article:
    """Check and decode an article's bytes; HTML is turned into its article text.

    Raises
    ------
    ArticleError
        With the file name and how to fix it, for empty, binary, non-UTF-8,
        oversized or unreadable input.
    """
    if len(content) > max_bytes:
        raise ArticleError(f"{name}: {len(content) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for one "
                           "article — is it really a single article? split it or extract the article text")
    if not content.strip():
        raise ArticleError(f"{name}: the file is empty — nothing to extract")
    if b"\x00" in content[:8192]:
        raise ArticleError(f"{name}: this is a binary file, not text — give a .txt or .html article "
                           "(copy the text out of PDFs and word-processor files)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleError(f"{name}: not UTF-8 text (invalid byte at offset {err.start}) — "
                           "re-save the article as UTF-8") from err
    published = title = None
    looks_html = name.lower().endswith((".html", ".htm")) or re.match(r"\s*(<!doctype html|<html|<\w+[^>]*>)",
                                                                      text[:500], re.IGNORECASE)
    if looks_html:
        text, published, title = html_to_text(text, name)
        if not text:
            raise ArticleError(f"{name}: the HTML holds no visible text — is the page fully saved?")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError(f"{name}: the file holds only white space — nothing to extract")
    return Article(name, text, published, title)


def read_article(path: str | Path) -> Article:
    """Read an article from a .txt/.html file, or from standard input when ``path`` is ``-``."""
    if str(path) == "-":
        return decode_article(sys.stdin.buffer.read(), "<stdin>")
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(f"{path}: {size / 1e6:.1f} MB is over the {MAX_BYTES / 1e6:.0f} MB limit for one "
                               "article — is it really a single article? split it or extract the article text")
        content = path.read_bytes()
    except FileNotFoundError as err:
        raise ArticleError(f"{path}: no such file — check the path") from err
    except IsADirectoryError as err:
        raise ArticleError(f"{path}: is a folder — give a file, or the folder itself to process all") from err
    except OSError as err:
        raise ArticleError(f"{path}: cannot be read ({err.strerror}) — check its permissions") from err
    return decode_article(content, str(path))


def article_files(folder: str | Path) -> list[Path]:
    """The article files in a folder (.txt, .html, .htm), sorted, skipping label files."""
    folder = Path(folder)
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith("."))
