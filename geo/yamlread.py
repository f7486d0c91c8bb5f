"""Safe YAML reading that keeps line numbers and catches what PyYAML hides.

PyYAML's loaders silently keep the last of two equal keys and give values no
line numbers; both matter to a curator fixing a hand-edited file. This reader
walks libyaml's event stream instead, which also lets it refuse files that are
too large, too deeply nested or alias-bombed before they exhaust memory.
"""

from __future__ import annotations

import os
import re

import yaml

from geo.errors import InputTooLargeError, Problem

MAX_BYTES = int(os.environ.get("GEO_MAX_YAML_BYTES", 256 * 1024 * 1024))
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 20_000_000

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python parser is slower but equal
    _Loader = yaml.SafeLoader


class LineDict(dict):
    """A mapping that remembers the line of itself and of each of its keys (1-based)."""

    __slots__ = ("duplicate_keys", "key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.duplicate_keys: list[str] = []


class LineList(list):
    """A sequence that remembers its line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def _scalar(event: yaml.ScalarEvent, path: str, problems: list[Problem]) -> object:
    """Resolve a scalar like YAML 1.2's core schema, minus surprises (no yes/no booleans)."""
    value = event.value
    tag = event.tag
    if tag and tag not in ("!", *_SAFE_TAGS):
        problems.append(
            Problem(path, event.start_mark.line + 1, None, None,
                    f"the tag {tag!r} is not allowed",
                    "remove the tag; incident files hold plain text, numbers and lists")
        )
        return value
    if tag == "tag:yaml.org,2002:str" or not event.implicit[0]:
        return value
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        return int(value.replace("_", ""))
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        return float(value.replace("_", ""))
    return value


def _size(value: object, sizes: dict[int, int]) -> int:
    return sizes.get(id(value), 1)


def read_yaml(text: str, path: str = "<string>") -> tuple[object, list[Problem]]:
    """Parse one YAML document into LineDict/LineList/scalars plus the problems found.

    Raises
    ------
    InputTooLargeError
        When the text is larger, deeper or expands further than the limits.
    """
    if len(text) > MAX_BYTES:
        raise InputTooLargeError(
            f"{path}: the file is {len(text) / 1e6:.0f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit"
            " — split it, or move a record this size into the PostgreSQL store"
        )
    problems: list[Problem] = []
    anchors: dict[str, object] = {}
    sizes: dict[int, int] = {}
    stack: list[list] = []  # [container, pending_key, key_line, size]
    root: object = None
    expanded = 0
    documents = 0

    def attach(value: object, line: int, anchor: str | None, size: int) -> None:
        nonlocal root
        if anchor:
            anchors[anchor] = value
        if not stack:
            root = value
            return
        frame = stack[-1]
        container = frame[0]
        frame[3] += size
        if isinstance(container, LineList):
            container.append(value)
            container.item_lines.append(line)
        elif frame[1] is _NO_KEY:
            if isinstance(value, (dict, list)):
                problems.append(Problem(path, line, None, None, "a mapping key must be plain text",
                                        "write keys as simple words such as `date:`"))
                value = str(value)
            frame[1] = value
            frame[2] = line
        else:
            key = frame[1]
            key_text = str(key)
            if key_text in container:
                problems.append(
                    Problem(path, frame[2], _id_of(container), key_text,
                            f"the key is given twice (first on line {container.key_lines[key_text]})",
                            "keep one of the two values; YAML would silently drop the first")
                )
                container.duplicate_keys.append(key_text)
            else:
                container[key_text] = value
                container.key_lines[key_text] = frame[2]
            frame[1] = _NO_KEY

    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                line = event.start_mark.line + 1
                attach(_scalar(event, path, problems), line, event.anchor, 1)
                expanded += 1
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                line = event.start_mark.line + 1
                if len(stack) >= MAX_DEPTH:
                    raise InputTooLargeError(
                        f"{path}:{line}: nesting is deeper than {MAX_DEPTH} levels"
                        " — an incident file needs only a few; check for runaway brackets"
                    )
                _check_tag(event, path, line, problems)
                container = LineDict(line) if kind is yaml.MappingStartEvent else LineList(line)
                stack.append([container, _NO_KEY, line, 1, event.anchor])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                container, _, _, size, anchor = stack.pop()
                sizes[id(container)] = size
                attach(container, container.line, anchor, size)
            elif kind is yaml.AliasEvent:
                line = event.start_mark.line + 1
                if event.anchor not in anchors:
                    problems.append(Problem(path, line, None, None,
                                            f"the alias *{event.anchor} has no anchor",
                                            "define `&name` before using `*name`"))
                    attach(None, line, None, 1)
                    continue
                value = anchors[event.anchor]
                size = _size(value, sizes)
                expanded += size
                if expanded > MAX_EXPANDED_NODES:
                    raise InputTooLargeError(
                        f"{path}:{line}: aliases expand to more than {MAX_EXPANDED_NODES:,} values"
                        " — this looks like an alias bomb; write the values out instead of nesting aliases"
                    )
                attach(value, line, None, size)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(Problem(path, event.start_mark.line + 1, None, None,
                                            "the file holds more than one YAML document",
                                            "remove the `---` separator; only the first document is read"))
                    break
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problems.append(Problem(path, line, None, None,
                                f"malformed YAML{column}: {err.problem or err.context}",
                                "check indentation, colons and quotes near this line"))
        return None, problems
    except yaml.YAMLError as err:
        problems.append(Problem(path, None, None, None, f"malformed YAML: {err}",
                                "check the file is valid YAML"))
        return None, problems
    except RecursionError as err:
        raise InputTooLargeError(f"{path}: nesting is too deep to read safely") from err
    return root, problems


_NO_KEY = object()


def _check_tag(event: yaml.Event, path: str, line: int, problems: list[Problem]) -> None:
    tag = getattr(event, "tag", None)
    if tag and tag not in _SAFE_TAGS and tag != "!":
        problems.append(Problem(path, line, None, None, f"the tag {tag!r} is not allowed",
                                "remove the tag; incident files hold plain text, numbers and lists"))


def _id_of(container: dict) -> str | None:
    value = container.get("id")
    return value if isinstance(value, str) else None
