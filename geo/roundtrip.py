"""Editing incidents.yaml in place: comments, key order, anchors and untouched text kept.

The file is cut into its header, one block of text per incident (each with the
blank lines and comments in front of it) and a footer. ruamel.yaml's
round-trip loader gives each incident as a commented node; an edit changes
that node and renders only that incident again, so every other byte of the
file, comments included, is copied through unchanged and ``git diff`` shows
exactly the edited incident.

Quotes shared with YAML anchors (``&bukamal-quote`` ... ``*bukamal-quote``)
stay shared: an incident that uses an anchor defined earlier keeps the alias,
and when the incident that defines it is edited or deleted, the next incident
that uses it is written out with the value and the anchor instead.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from geo.errors import Problem, RecordError
from geo.schema import fields
from geo.yamlread import MAX_BYTES
from geo.yamlstyle import canonicalise, styled_record, to_plain, update_node

_RETIRED = re.compile(r"^# retired id: (\S+)", re.MULTILINE)
RETIRED_HEADER = "\n# Ids of deleted incidents, never to be used again (written by the editor):\n"


def retired_line(incident_id: str, reason: str = "") -> str:
    """The comment line that keeps a deleted incident's id from being used again."""
    return f"# retired id: {incident_id}" + (f" ({reason})" if reason else "") + "\n"


def retired_ids(text: str) -> list[str]:
    """The ids a file's `# retired id:` comments keep from reuse."""
    return _RETIRED.findall(text)
_BLOCK_SCALAR_STYLES = ("|", ">")

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # libyaml missing: slower but equal
    _Loader = yaml.SafeLoader


@dataclass
class Item:
    """One incident: its node, its text and the blank lines and comments before it."""

    node: object
    text: str
    lead: str = ""


def new_yaml() -> YAML:
    """A round-trip ruamel.yaml set up to write the way incidents.yaml is written."""
    rt = YAML()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # never re-wrap plain text: folded blocks carry their own line breaks
    rt.preserve_quotes = True
    rt.allow_unicode = True
    return rt


class Document:
    """An incident file held as header, incidents and footer, editable one incident at a time.

    Parameters
    ----------
    text : str
        The file's text.
    path : str
        The file name used in error messages.
    """

    def __init__(self, text: str, path: str = "<string>") -> None:
        self.path = path
        self._yaml = new_yaml()
        self.prefix, self.items, self.suffix = _split(text, path, self._yaml)

    def to_text(self) -> str:
        """The whole file as text."""
        return self.prefix + "".join(item.lead + item.text for item in self.items) + self.suffix

    def ids(self) -> list[str]:
        return [_ident(item.node) for item in self.items if _ident(item.node)]

    def index_of(self, incident_id: str) -> int:
        """Position of an incident; raises KeyError naming the file when absent."""
        for index, item in enumerate(self.items):
            if _ident(item.node) == incident_id:
                return index
        raise KeyError(f"{self.path}: no incident with id {incident_id!r}")

    def get(self, incident_id: str) -> dict:
        """One incident as plain data (dates as ISO text), in the file's key order."""
        return to_plain(self.items[self.index_of(incident_id)].node)

    def records(self) -> list[dict]:
        return [to_plain(item.node) for item in self.items]

    def retired_ids(self) -> list[str]:
        """Ids of deleted incidents, listed in the file's `# retired id:` comments."""
        return retired_ids(self.to_text())

    def add(self, record: dict) -> None:
        """Insert a new incident at its place in date order (after incidents of the same date)."""
        ident = record.get("id")
        if ident in self.ids():
            raise KeyError(f"{self.path}: an incident with id {ident!r} already exists")
        node = styled_record(record, indent=2)
        self._edit(lambda: self._insert(Item(node, ""), _sort_key(node)), node)

    def replace(self, record: dict) -> None:
        """Replace the incident with the record's id, keeping what did not change as written."""
        index = self.index_of(record["id"])
        node = self.items[index].node
        if to_plain(node) == to_plain(styled_record(record, indent=2)):
            return  # nothing to write: the incident keeps its text exactly

        def change() -> None:
            update_node(node, record, indent=2, order=tuple(fields()))
            self._keep_sorted(index)

        self._edit(change, node)

    def delete(self, incident_id: str, reason: str = "") -> dict:
        """Remove an incident, retire its id in the footer, and return it as plain data."""
        index = self.index_of(incident_id)
        removed = self.items[index]
        self._edit(lambda: self._remove(index), None)
        self._retire(incident_id, reason)
        return to_plain(removed.node)

    def format(self) -> None:
        """Canonical form: incidents sorted by date then id, keys in schema order, one blank line between."""
        for item in self.items:
            if isinstance(item.node, CommentedMap):
                canonicalise(item.node)
        self.items.sort(key=lambda item: _sort_key(item.node))
        for index, item in enumerate(self.items):
            # one blank line between incidents; the header carries the space before the first
            item.lead = ("" if index == 0 else "\n") + item.lead.lstrip("\n")
        if _is_blank(self.suffix):
            self.suffix = ""
        owners = _anchor_owners(self.items)  # rendering moves no anchor: once, not once per incident
        for index in range(len(self.items)):
            self.items[index].text = self._render(index, owners)

    def _edit(self, change, edited: object) -> None:
        """Apply a change, then render again the edited incident and any whose anchors moved."""
        before = _anchor_roles(self.items)
        change()
        owners = _anchor_owners(self.items)
        after = _anchor_roles(self.items, owners)
        for index, item in enumerate(self.items):
            if item.node is edited or before.get(id(item)) != after.get(id(item)):
                item.text = self._render(index, owners)

    def _insert(self, item: Item, key: tuple) -> None:
        position = 0
        for index, other in enumerate(self.items):
            if _sort_key(other.node) <= key:
                position = index + 1
        if self.items and not self.items[-1].text.endswith("\n"):
            self.items[-1].text += "\n"
        if position > 0:
            item.lead = "\n"
        elif self.items:
            item.lead = ""  # the new first incident sits under the header; the old first moves down
            if _is_blank(self.items[0].lead):
                self.items[0].lead = "\n"
        elif self.prefix.strip():
            self.prefix = self.prefix.rstrip("\n") + "\n"
            item.lead = "\n"
        else:
            self.prefix = ""
        self.items.insert(position, item)

    def _remove(self, index: int) -> Item:
        item = self.items.pop(index)
        if index < len(self.items):
            following = self.items[index]
            if _is_blank(item.lead):
                if index == 0 and _is_blank(following.lead):
                    following.lead = item.lead
            elif _is_blank(following.lead):
                following.lead = item.lead  # a section comment stays before the next incident
            else:
                following.lead = item.lead + following.lead
        elif not _is_blank(item.lead):
            self.suffix = item.lead + self.suffix
        return item

    def _keep_sorted(self, index: int) -> None:
        """Move an edited incident whose date changed to its place in date order."""
        key = _sort_key(self.items[index].node)
        before_ok = index == 0 or _sort_key(self.items[index - 1].node) <= key
        after_ok = index == len(self.items) - 1 or key <= _sort_key(self.items[index + 1].node)
        if not (before_ok and after_ok):
            item = self._remove(index)
            item.lead = ""
            self._insert(item, key)

    def _retire(self, incident_id: str, reason: str) -> None:
        if self.items and not self.items[-1].text.endswith("\n"):
            self.items[-1].text += "\n"
        if not _RETIRED.search(self.suffix):
            self.suffix = self.suffix.rstrip("\n") + ("\n" if self.suffix.strip() else "")
            self.suffix += RETIRED_HEADER
        self.suffix += retired_line(incident_id, reason)

    def _render(self, index: int, owners: dict[int, int]) -> str:
        return render_item(self.items[index].node, self._aliased(index, owners), self._yaml)

    def _aliased(self, index: int, owners: dict[int, int]) -> list[object]:
        """Anchored values of one incident that an earlier incident defines."""
        return [node for node in _anchored(self.items[index].node) if owners.get(id(node), index) < index]


def render_item(node: object, aliased: list[object] | None = None, rt: YAML | None = None) -> str:
    """The text of one incident as a top-level list item, ending with a newline.

    ``aliased`` holds anchored values defined by an earlier incident: they are
    written as ``*alias``, because ruamel sees them first in a throw-away item.
    """
    rt = rt or new_yaml()
    items = ([CommentedSeq(aliased)] if aliased else []) + [node]
    buffer = io.StringIO()
    rt.dump(CommentedSeq(items), buffer)
    lines = buffer.getvalue().splitlines(keepends=True)
    content = _block_scalar_lines("".join(lines))
    starts = [k for k, line in enumerate(lines) if line.startswith("  - ") or line.rstrip("\n") == "  -"]
    start = starts[1] if aliased else starts[0]
    out = []
    for number in range(start, len(lines)):
        line = lines[number]
        # ruamel writes comments at the column they were read from; only content moves left
        if number not in content and line.lstrip(" ").startswith("#"):
            out.append((number, line))
        else:
            out.append((number, line[2:] if line.startswith("  ") else line))
    while out and (not out[-1][1].strip() or (out[-1][0] not in content and out[-1][1].lstrip().startswith("#"))):
        out.pop()
    return "".join(line for _, line in out)


def format_text(text: str, path: str = "<string>") -> str:
    """The canonical form of an incident file (what ``python -m geo fmt`` writes)."""
    document = Document(text, path)
    before = _canonical_content(document)
    document.format()
    formatted = document.to_text()
    # A safety net: formatting may move and restyle, never change what the file says.
    after = Document(formatted, path)
    if _canonical_content(after) != before:
        raise RecordError([Problem(path, None, None, None, "formatting would change the file's content",
                                   "leave the file as it is and report this as a bug in `python -m geo fmt`")])
    return formatted


def _canonical_content(document: Document) -> tuple[list[str], list[str]]:
    """What a file says, whatever its order and layout: its incidents and its retired ids."""
    records = sorted(json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
                     for record in document.records())
    return records, sorted(document.retired_ids())


def _split(text: str, path: str, rt: YAML) -> tuple[str, list[Item], str]:
    """Cut the text into header, incidents (node, text, lead) and footer."""
    if len(text) > MAX_BYTES:
        raise RecordError([Problem(path, None, None, None, f"the file is over {MAX_BYTES / 1e6:.0f} MB",
                                   "split it, or keep a record this size in the PostgreSQL store")])
    try:
        root = rt.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise RecordError([Problem(path, mark.line + 1 if mark else None, None, None,
                                   f"malformed YAML: {err.problem or err.context}",
                                   "fix it by hand first; `python -m geo validate` shows where")]) from err
    lines = text.splitlines(keepends=True)
    if root is None or (isinstance(root, CommentedSeq) and not root):
        # An empty file, comments only, or `[]`: incidents will be appended as a block list.
        kept = [line for line in lines if line.strip() not in ("[]", "---", "...")]
        return "".join(kept), [], ""
    if not isinstance(root, CommentedSeq) or root.fa.flow_style():
        raise RecordError([Problem(path, 1, None, None, "the file must be a block list of incidents",
                                   "start each incident with `- id: ...` at the left margin")])
    spans = _item_spans(text, lines)
    if len(spans) != len(root):
        raise RecordError([Problem(path, None, None, None, "the incidents could not be told apart",
                                   "run `python -m geo validate` and fix what it reports")])
    items = []
    previous_end = spans[0][0]
    prefix = "".join(lines[:previous_end])
    for node, (start, end) in zip(root, spans, strict=True):
        _detach_trailing_comments(node)
        items.append(Item(node, "".join(lines[start:end]), "".join(lines[previous_end:start])))
        previous_end = end
    items[0].lead = ""
    return prefix, items, "".join(lines[previous_end:])


def _item_spans(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) line numbers of each top-level list item, without trailing blanks and comments."""
    spans: list[list[int]] = []
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            depth -= 1
            if getattr(event, "start_mark", None) and spans and depth >= 1 and _is_flow_end(text, event):
                spans[-1][1] = max(spans[-1][1], _last_line(event))
            continue
        if kind not in (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
            continue
        if depth == 1:
            start = event.start_mark.line
            while start > 0 and not lines[start].lstrip().startswith("-"):
                start -= 1  # the item's dash may stand alone on an earlier line
            spans.append([start, start])
        if depth >= 1 and kind in (yaml.ScalarEvent, yaml.AliasEvent):
            spans[-1][1] = max(spans[-1][1], _last_line(event))
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            depth += 1
    result = []
    for start, last in spans:
        while last > start and not lines[last].strip():
            last -= 1
        result.append((start, last + 1))
    return result


def _is_flow_end(text: str, event: yaml.Event) -> bool:
    index = event.end_mark.index - 1
    return 0 <= index < len(text) and text[index] in "]}"


def _last_line(event: yaml.Event) -> int:
    mark = event.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > event.start_mark.line else mark.line


def _block_scalar_lines(text: str) -> set[int]:
    """Line numbers holding the content of literal or folded block scalars."""
    found: set[int] = set()
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.ScalarEvent) and event.style in _BLOCK_SCALAR_STYLES:
            found.update(range(event.start_mark.line + 1, _last_line(event) + 1))
    return found


def _detach_trailing_comments(node: object) -> None:
    """Drop the comments ruamel hangs on an incident's last value: they belong to the next lead."""
    while isinstance(node, CommentedBase) and len(node):
        last = len(node) - 1 if isinstance(node, list) else list(node)[-1]
        entry = node.ca.items.get(last)
        slot = 0 if isinstance(node, list) else 2
        if entry and len(entry) > slot and entry[slot] is not None:
            token = entry[slot]
            first = token.value.split("\n", 1)[0]
            if first.strip().startswith("#"):  # an end-of-line comment stays with its value
                token.value = first + "\n"
            else:
                entry[slot] = None
        node = node[last]


def _anchored(node: object) -> list[object]:
    """Every value under a node that carries a YAML anchor, in document order."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        anchor = current.yaml_anchor() if hasattr(current, "yaml_anchor") else None
        if anchor is not None and current is not node:
            found.append(current)
        if isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))
    return found


def _anchor_owners(items: list[Item]) -> dict[int, int]:
    """For each anchored value, the index of the first incident using it (the one that defines it)."""
    owners: dict[int, int] = {}
    for index, item in enumerate(items):
        for node in _anchored(item.node):
            owners.setdefault(id(node), index)
    return owners


def _anchor_roles(items: list[Item], owners: dict[int, int] | None = None) -> dict[int, frozenset]:
    owners = owners if owners is not None else _anchor_owners(items)
    return {
        id(item): frozenset((id(node), owners[id(node)] == index) for node in _anchored(item.node))
        for index, item in enumerate(items)
    }


def _ident(node: object) -> str | None:
    value = node.get("id") if isinstance(node, dict) else None
    return str(value) if value is not None else None


def _sort_key(node: object) -> tuple[str, str]:
    if not isinstance(node, dict):
        return ("\uffff", "")
    return (str(to_plain(node.get("date")) or "\uffff"), str(node.get("id") or ""))


def _is_blank(text: str) -> bool:
    return not text.strip()
