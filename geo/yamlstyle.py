"""How incidents are written in YAML: the file's styles for new values, and back to plain data.

The hand-written file puts actors, figures and tags in flow style
(``{name: IRGC, attribution: reported}``, ``[a, b]``), sources as a block list,
dates unquoted, times quoted and long text as folded blocks. New or changed
values get those styles here; values that did not change keep the node they
were read as, so their layout, comments and anchors survive an edit.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from geo.schema import fields, source_fields

FOLD_WIDTH = 80  # folded text is wrapped to this column, like the hand-written file
FOLD_OVER = 100  # a one-line `key: text` longer than this becomes a folded block

_FLOW_MAPS = {"actor1", "actor2", "fatalities", "injuries"}
_FLOW_LISTS = {"tags", "assoc_actor1", "assoc_actor2"}
_DATE_KEYS = {"date", "date_end", "published"}
_SUBKEY_ORDER = {
    "actor": ("name", "attribution"),
    "quantity": ("min", "max", "qualifier"),
}


def to_plain(node: object) -> object:
    """ruamel's commented nodes as plain dicts, lists, str, int and float; dates as ISO text."""
    if isinstance(node, dict):
        return {str(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(value) for value in node]
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _is_empty(name: str, value: object) -> bool:
    """Unknown or empty values are left out of the file (except required fields, for the validator)."""
    if value is None:
        return True
    spec = fields().get(name)
    return value in ("", [], {}) and not (spec and spec.required)


def order_keys(node: CommentedMap, order: tuple[str, ...] | None = None) -> None:
    """Put keys in schema order; keys the schema does not know keep their order at the end."""
    order = order or tuple(fields())
    rank = {name: position for position, name in enumerate(order)}
    keys = list(node)
    for key in sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k))):
        node.move_to_end(key)


def _subkey_order(key: str) -> tuple[str, ...] | None:
    if key in ("actor1", "actor2", "assoc_actor1", "assoc_actor2"):
        return _SUBKEY_ORDER["actor"]
    if key in ("fatalities", "injuries"):
        return _SUBKEY_ORDER["quantity"]
    if key == "sources":
        return tuple(source_fields())
    return None


def canonicalise(node: CommentedMap) -> None:
    """Schema key order and the file's collection styles, keeping every value and comment."""
    order_keys(node)
    for key, value in node.items():
        order = _subkey_order(key)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, CommentedMap) and order:
                order_keys(child, order)
                if key != "sources":
                    child.fa.set_flow_style()
        if isinstance(value, CommentedSeq):
            if key in _FLOW_LISTS:
                value.fa.set_flow_style()
            elif key == "sources":
                value.fa.set_block_style()
                for child in value:
                    if isinstance(child, CommentedMap):
                        child.fa.set_block_style()


def styled_record(record: dict, indent: int, order: tuple[str, ...] | None = None) -> CommentedMap:
    """A new incident (or nested mapping whose keys sit at column ``indent``) as the file writes it."""
    node = CommentedMap()
    for key, value in record.items():
        if not _is_empty(key, value):
            node[key] = _styled(key, value, indent)
    order_keys(node, order)
    return node


def _styled(key: str, value: object, indent: int) -> object:
    """A new value as the file writes it: flow actors and tags, block sources, folded long text."""
    if key in _DATE_KEYS:
        return _as_date(value)
    if key == "time" and isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, dict):
        node = styled_record(value, indent + 2, _subkey_order(key))
        if key in _FLOW_MAPS or key in _FLOW_LISTS:
            node.fa.set_flow_style()
        return node
    if isinstance(value, (list, tuple)):
        node = CommentedSeq(_styled_item(key, item, indent) for item in value)
        if key in _FLOW_LISTS:
            node.fa.set_flow_style()
        return node
    if isinstance(value, str):
        return _text(key, value, indent)
    return value


def _styled_item(key: str, item: object, indent: int) -> object:
    """One item of a list under ``key`` (at column ``indent``); block items sit 4 columns in."""
    if isinstance(item, dict):
        node = styled_record(item, indent + 4, _subkey_order(key))
        if key in _FLOW_LISTS:
            node.fa.set_flow_style()
        return node
    return _styled(key, item, indent + 4)


def _as_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value  # the validator names the bad date
    return value


def _text(key: str, value: str, indent: int) -> str:
    """Plain text, or a folded block wrapped at FOLD_WIDTH when the line would be too long."""
    if indent + len(key) + 2 + len(value) <= FOLD_OVER or not _foldable(value):
        return value
    content_indent = indent + 2
    lines = textwrap.wrap(value, FOLD_WIDTH - content_indent, break_long_words=False, break_on_hyphens=False)
    folded = FoldedScalarString(value)
    positions, offset = [], 0
    for line in lines[:-1]:
        offset += len(line)
        positions.append(offset)  # the index of the space replaced by a line break
        offset += 1
    folded.fold_pos = positions
    return folded


def _foldable(value: str) -> bool:
    """Only single-spaced one-line text survives folding unchanged."""
    return (value == value.strip() and "\n" not in value and "  " not in value and "\t" not in value
            and value.isprintable())


def update_node(node: CommentedMap, record: dict, indent: int, order: tuple[str, ...] | None = None) -> None:
    """Change a node to hold the record, leaving equal values as written (styles, anchors, comments)."""
    order = order or tuple(dict.fromkeys([*node, *record]))
    for key in [key for key in node if key not in record or _is_empty(key, record[key])]:
        del node[key]
    for key, value in record.items():
        if _is_empty(key, value):
            continue
        old = node.get(key)
        if key in node and to_plain(old) == to_plain(_styled(key, value, indent)):
            continue
        shared = old is not None and hasattr(old, "yaml_anchor") and old.yaml_anchor() is not None
        if isinstance(old, CommentedMap) and isinstance(value, dict) and not shared:
            update_node(old, value, indent + 2, _subkey_order(key))
        elif isinstance(old, CommentedSeq) and isinstance(value, list) and len(old) == len(value) and not shared:
            for position, item in enumerate(value):
                current = old[position]
                if to_plain(current) == to_plain(item):
                    continue
                if isinstance(current, CommentedMap) and isinstance(item, dict) and current.yaml_anchor() is None:
                    update_node(current, item, indent + 4, _subkey_order(key))
                else:
                    old.pop(position)  # a plain assignment would carry the old text's style over
                    old.insert(position, _styled_item(key, item, indent))
        else:
            node.pop(key, None)  # likewise; order_keys puts the key back in its place
            node[key] = _styled(key, value, indent)
    order_keys(node, order)
