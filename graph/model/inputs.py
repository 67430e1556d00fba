"""The one boundary for untrusted input: files and text a user gives us are read here, and only here.

Every reader bounds what it reads and turns every failure into :class:`InputError`, which names the
file (or what was read: "--param n") and the line, and says what to do:

* files: only regular files are opened (a FIFO, ``/dev/zero``, a folder are refused before any read,
  so nothing hangs), up to :data:`MAX_FILE_BYTES`;
* text: strict UTF-8 (an optional BOM is dropped); a bad byte is reported with its line and byte
  offset; characters that are not text (C0/C1 controls other than tab and newline, lone surrogates,
  non-characters such as U+FFFE) are refused;
* YAML: one document, safe tags only, no duplicate keys in a mapping, dates kept as written (the
  loader parses them itself), integers of at most :data:`MAX_INT_DIGITS` digits, nesting at most
  :data:`MAX_DEPTH` deep, and aliases expanding to at most about the size of the file (so an alias
  bomb or ``&r [*r]`` is an error, not a hang or a recursion);
* JSON: the same bounds (depth, integer size, no NaN/Infinity, no duplicate keys).

>>> parse_yaml("a: [1, 2]\\nb: 2019-02-30\\n", "x.yaml").data
{'a': [1, 2], 'b': '2019-02-30'}
>>> parse_yaml("a: 1\\na: 2\\n", "x.yaml").data
Traceback (most recent call last):
...
partnergraph.graph.model.inputs.InputError: x.yaml:2: duplicate key 'a' (first at line 1); a mapping may name each key once
>>> parse_json('[' * 2000 + ']' * 2000, "deep.json").data
Traceback (most recent call last):
...
partnergraph.graph.model.inputs.InputError: deep.json:1: nested more than 64 levels deep
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from partnergraph.graph.model.json_lines import JsonLines

MAX_FILE_BYTES = 2_000_000_000  # a dataset file or source text larger than this is refused (2 GB)
MAX_DEPTH = 64  # nesting of mappings and lists; a dataset record needs 4
MAX_INT_DIGITS = 30  # integers beyond this many digits are refused (counts need far fewer)
INT_RANGE = 2**63  # and integers must fit a 64-bit signed integer (Neo4j, GraphML, CSV typing)
ALIAS_ALLOWANCE = 100_000  # nodes that aliases may add beyond one per character of the file

# Not text: C0 controls but tab and newline, DEL..C1 controls, surrogates, non-characters.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
# In source texts (articles) line ends and form feeds are ordinary; the rest is still refused.
_NOT_SOURCE_TEXT = re.compile(_NOT_TEXT.pattern.replace("\\x0b-\\x1f", "\\x0b\\x0e-\\x1f", 1))


# The same test on UTF-8 bytes, fast at any size: printable ASCII is deleted first (bytes.translate),
# and what is left (controls and multi-byte sequences, which stay whole) is searched.
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n"
_SOURCE_TEXT_BYTES = _TEXT_BYTES + b"\r\x0c"
_NOT_TEXT_UTF8 = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]"
                            rb"|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")
# JSON escapes that may stand for something that is not text (or a surrogate pair, checked after parsing).
_SUSPECT_ESCAPE = re.compile(r"\\(?:[bfr]|u(?:[dD][89a-fA-F]|[fF][dD][dDeE]|[fF]{3}[eEfF]|00[01]|007[fF]|00[89]))")


class InputError(ValueError):
    """Input that cannot be used: ``where`` (a file name or what was read), ``line`` (1-based or None)."""

    def __init__(self, where: str, line: int | None, message: str):
        self.where, self.line, self.message = str(where), line, message
        super().__init__(f"{self.where}:{line}: {message}" if line else f"{self.where}: {message}")


@dataclass
class Parsed:
    """Data read from YAML or JSON, with the line of every mapping value and list item by path (for JSON a
    JsonLines, made when first asked: its lines also know their column)."""

    data: Any
    lines: Mapping[tuple, int]


def char_name(ch: str) -> str:
    """A character as it is written in a message: U+001B."""
    return f"U+{ord(ch):04X}"


def line_of(text: str, offset: int) -> int:
    """The 1-based line of a character offset."""
    return text.count("\n", 0, offset) + 1


def check_text(text: str, where: str, line: int | None = None, *, source_text: bool = False,
               located: bool = False) -> None:
    """Refuse characters that are not text; the error names the character and its line (``line``, or
    the line within ``text`` itself unless ``located``: then ``line`` is all that is known)."""
    bad = (_NOT_SOURCE_TEXT if source_text else _NOT_TEXT).search(text)
    if bad:
        ch = bad.group()
        kind = ("a lone surrogate" if "\ud800" <= ch <= "\udfff" else
                "a non-character" if ch >= "\ufdd0" else "a control character")
        hint = "use a newline (\\n) for line breaks" if ch == "\r" else "remove it"
        at = line if line is not None or located else line_of(text, bad.start())
        raise InputError(where, at, f"{char_name(ch)} is {kind}, not text; {hint}")


def decode(data: bytes, where: str, *, source_text: bool = False) -> str:
    """Strict UTF-8 (a leading BOM dropped), checked with :func:`check_text`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(where, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
                                      "(save the file as UTF-8)") from None
    text = text.removeprefix("\ufeff")
    if _NOT_TEXT_UTF8.search(data.translate(None, _SOURCE_TEXT_BYTES if source_text else _TEXT_BYTES)):
        check_text(text, where, source_text=source_text)  # finds it again, with its line
    return text


def read_bytes(path: str | Path, *, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, refusing anything else (FIFO, device, folder) before reading."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(name, None, f"{what} not found; check the path") from None
    except IsADirectoryError:
        raise InputError(name, None, f"is a folder, not a {what}") from None
    except PermissionError:
        raise InputError(name, None, f"no permission to read this {what}") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot open this {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(name, None, f"is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise InputError(name, None, f"is {kind}, not a regular file; only regular files are read")
        if info.st_size > limit:
            raise InputError(name, None, f"is {info.st_size:,} bytes; the limit for a {what} is {limit:,}")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(name, None, f"cannot read this {what}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise InputError(name, None, f"is larger than the limit for a {what} ({limit:,} bytes)")
    return data


def read_text(path: str | Path, *, what: str = "file", limit: int = MAX_FILE_BYTES, source_text: bool = False) -> str:
    """A regular file's text: :func:`read_bytes` then :func:`decode`."""
    return decode(read_bytes(path, what=what, limit=limit), str(path), source_text=source_text)


# --- YAML ----------------------------------------------------------------------------------------

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """PyYAML's safe loader (libyaml when present) without the timestamp resolver and with bounds."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_int(self, node):
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {digits} digits; at most {MAX_INT_DIGITS} are allowed", node.start_mark)
        value = super().construct_yaml_int(node)
        if not -INT_RANGE <= value < INT_RANGE:
            raise yaml.constructor.ConstructorError(None, None, f"the integer {node.value[:20]}… does not fit in 64 bits",
                                                    node.start_mark)
        return value

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if value != value or value in (float("inf"), float("-inf")):
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a finite number", node.start_mark)
        return value

    def construct_undefined(self, node):
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {node.tag!r} is not allowed in a dataset file; remove it", node.start_mark)


for _tag in ("tag:yaml.org,2002:int",):
    _Loader.add_constructor(_tag, _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
for _tag in ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
             "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:timestamp"):
    _Loader.add_constructor(_tag, _Loader.construct_undefined)
_Loader.add_constructor(None, _Loader.construct_undefined)


STR, MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


def _walk_nodes(root: yaml.Node, where: str, budget: int) -> dict[tuple, int]:
    """Check the composed tree before anything is built: depth, alias expansion, cycles, duplicate and
    non-text keys. Return the line of every mapping value and list item by its path."""
    lines: dict[tuple, int] = {}
    stack: list[tuple[yaml.Node, tuple, int, Any]] = [(root, (), 0, None)]
    while stack:
        entry = stack.pop()
        node, path, depth, _parent = entry
        budget -= 1
        if budget < 0:
            raise InputError(where, node.start_mark.line + 1,
                             "aliases expand to far more data than the file holds (an alias bomb?); write the data out")
        if depth > MAX_DEPTH:
            chain, seen, cycle = entry, set(), False
            while chain is not None:
                if id(chain[0]) in seen:
                    cycle = True
                    break
                seen.add(id(chain[0]))
                chain = chain[3]
            raise InputError(where, node.start_mark.line + 1,
                             "an alias refers to a collection that contains it (such as &r [*r]); remove the alias"
                             if cycle else f"nested more than {MAX_DEPTH} levels deep")
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise InputError(where, key.start_mark.line + 1, "a mapping key must be plain text, not a list or mapping")
                if key.tag not in (STR, MERGE):
                    raise InputError(where, key.start_mark.line + 1, f"the key {key.value!r} must be text; quote it")
                if key.style == '"':
                    check_text(key.value, where, key.start_mark.line + 1, located=True)
                if key.tag == MERGE:
                    stack.append((value, path, depth + 1, entry))  # merge keys: the merged values belong here
                    continue
                if key.value in first:
                    raise InputError(where, key.start_mark.line + 1,
                                     f"duplicate key {key.value!r} (first at line {first[key.value]}); a mapping may name each key once")
                first[key.value] = key.start_mark.line + 1
                stack.append((value, path + (key.value,), depth + 1, entry))
        elif isinstance(node, yaml.SequenceNode):
            for index in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[index], path + (index,), depth + 1, entry))
        elif node.style == '"':  # the only scalars that may hold escapes such as "\e" or "\uFFFE"
            check_text(node.value, where, node.start_mark.line + 1, located=True)
    return lines


def parse_yaml(text: str, where: str) -> Parsed:
    """One YAML document, bounded (see the module text); ``data`` is None for an empty document."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None, {})
        lines = _walk_nodes(node, where, len(text) + ALIAS_ALLOWANCE)
        data = loader.construct_document(node)
    except InputError:
        raise
    except yaml.constructor.ConstructorError as exc:  # a value refused by a constructor: no syntax hint
        mark = exc.problem_mark or exc.context_mark
        raise InputError(where, mark.line + 1 if mark else None, f"{exc.problem or exc.context}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        if "nesting depth" in str(exc):
            problem = f"nested too deeply (more than {MAX_DEPTH} levels)"
        raise InputError(where, mark.line + 1 if mark else None,
                         f"not valid YAML: {problem}; check indentation and quoting") from None
    except yaml.YAMLError as exc:
        raise InputError(where, None, f"not valid YAML: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # a constructor refusing a value it cannot build
        raise InputError(where, None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return Parsed(data, lines)


# --- JSON ----------------------------------------------------------------------------------------


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a dataset may hold")


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}; a mapping may name each key once")
            seen.add(key)
    return result


def eval_key(literal: str) -> str:
    """The key of a duplicate-key message back from its repr."""
    return ast.literal_eval(literal)


def _deep_line(text: str) -> int:
    """Line where nesting first exceeds MAX_DEPTH (brackets outside strings); called only after an error."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line_of(text, match.start())
        elif token in "]}":
            depth -= 1
    return 1


def parse_json(text: str, where: str, *, shape_checked: bool = False) -> Parsed:
    """A JSON document, bounded like YAML (its line map is made only when a line is asked for).

    Nesting beyond what Python's parser allows, huge integers, NaN and duplicate keys are refused here;
    the depth and integer range of every value are checked too, unless ``shape_checked``: a caller that
    validates the shape itself (the dataset loader, by JSON Schema) must call :func:`check_value` on
    anything its schema leaves open. Strings are always checked.
    """
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(where, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(where, _deep_line(text), f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # our hooks, or an integer beyond Python's digit limit
        message = str(exc)
        duplicate = re.match(r"duplicate key ('.*?'|\".*?\");", message)
        if duplicate:
            key = json.dumps(eval_key(duplicate.group(1)), ensure_ascii=False)
            found = [m.start() for m in re.finditer(re.escape(key) + r"\s*:", text)]
            raise InputError(where, line_of(text, found[1]) if len(found) > 1 else None, message) from None
        long_int = re.search(r"\d{%d,}" % (MAX_INT_DIGITS + 1), text)
        if "digits" in message and long_int:
            raise InputError(where, line_of(text, long_int.start()),
                             f"an integer of {len(long_int.group())} digits; at most {MAX_INT_DIGITS} are allowed") from None
        constant = re.search(r"\b(NaN|-?Infinity)\b", text)
        raise InputError(where, line_of(text, constant.start()) if constant else None, f"not valid JSON: {message}") from None
    try:
        if not shape_checked:
            _check_values(data, where, {})
        elif _SUSPECT_ESCAPE.search(text):
            _check_values(data, where, {}, strings_only=True)
    except InputError as exc:  # JSON has no line map: find the line of the offending text
        if exc.line is None:
            exc = InputError(where, _json_line(text, exc.message), exc.message)
        raise exc from None
    return Parsed(data, JsonLines(text))


def _json_line(text: str, message: str) -> int | None:
    if message.startswith("nested"):
        return _deep_line(text)
    if message.startswith("the integer"):
        big = re.search(r"-?\d{19,}", text)
        return line_of(text, big.start()) if big else None
    escape = re.search(r"(?<!\\)(?:\\\\)*\\([bfr]|u(d[89ab][0-9a-f]{2}(?!\\ud[c-f])|d[c-f][0-9a-f]{2}|fd[d-e]|fff[ef]|00[01][0-9a-f]|007f|00[89][0-9a-f]))",
                       text, re.IGNORECASE)
    return line_of(text, escape.start()) if escape else None


def check_value(value: Any, where: str, line: int | None = None) -> None:
    """Depth, types, integer range and text of a parsed value and everything in it."""
    _check_values(value, where, {(): line} if line else {})


def _check_values(data: Any, where: str, lines: dict[tuple, int], strings_only: bool = False) -> None:
    """Depth, integer range and text of every value (strings may hold escapes such as "\\ud800")."""
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH and not strings_only:
            raise InputError(where, _nearest(lines, path),
                             f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            check_text(value, where, _nearest(lines, path), located=True)
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if not strings_only and not -INT_RANGE <= value < INT_RANGE:
                raise InputError(where, _nearest(lines, path), f"the integer {str(value)[:20]}… does not fit in 64 bits")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InputError(where, _nearest(lines, path), f"the key {key!r} must be text; quote it")
                check_text(key, where, _nearest(lines, path), located=True)
                stack.append((item, path + (key,)))
        elif isinstance(value, list):
            stack.extend((item, path + (index,)) for index, item in enumerate(value))
        else:
            raise InputError(where, _nearest(lines, path), f"a value of type {type(value).__name__} is not allowed")


def _nearest(lines: dict[tuple, int], path: tuple) -> int | None:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def parse_data(text: str, where: str, *, json_format: bool | None = None, shape_checked: bool = False) -> Parsed:
    """YAML or JSON (by the name's suffix unless ``json_format`` is given); see :func:`parse_json`."""
    if json_format is None:
        json_format = str(where).endswith(".json")
    return parse_json(text, where, shape_checked=shape_checked) if json_format else parse_yaml(text, where)


def read_data(path: str | Path, *, what: str = "file", limit: int = MAX_FILE_BYTES, shape_checked: bool = False) -> Parsed:
    """Read, decode and parse a YAML or JSON file through the boundary."""
    text = read_text(path, what=what, limit=limit)
    parsed = parse_data(text, str(path), shape_checked=shape_checked)
    if isinstance(parsed.lines, JsonLines):  # keep no second copy of a large file: read again if a line is asked
        parsed.lines = JsonLines(text, reread=lambda: read_text(path, what=what, limit=limit))
    return parsed


def parse_json_value(text: str, where: str, *, limit: int = 1_000_000) -> Any:
    """A JSON value typed by a user (e.g. a query parameter ``--param n=...``), bounded like a file."""
    if len(text) > limit:
        raise InputError(where, None, f"is {len(text):,} characters; the limit is {limit:,}")
    check_text(text, where)
    return parse_json(text, where).data
