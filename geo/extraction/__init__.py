"""Offline extraction of draft incidents from Arabic and English news articles.

The package is split by idea: `articles` (reading files and HTML),
`sentences` (splitting and tokens), `dates`, `numbers`, `places`, `actors`,
`events` (each finds one kind of thing in a sentence) and `extract`, which
ties them into drafts. Cue words live in geo/data/extraction_cues.yaml and
geo/data/place_words.yaml.
"""

from geo.extraction.articles import Article, ArticleError, article_files, decode_article, read_article
from geo.extraction.extract import Draft, extract_article, extract_drafts

__all__ = ["Article", "ArticleError", "Draft", "article_files", "decode_article", "extract_article",
           "extract_drafts", "read_article"]
