"""Cypher's scalar functions with Neo4j's semantics (null in, null out; 0-based positions).

Every function here is on the allow-list (:mod:`allow`) and has conformance cases.

>>> call("substring", ["partnership", 2, 3]), call("left", ["Viet Nam", 4]), call("trim", ["  a "])
('rtn', 'Viet', 'a')
>>> call("tointeger", ["3.7"]), call("tofloat", ["x"]), call("round", [2.5]), call("round", [-2.5])
(3, None, 3.0, -2.0)
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal  # noqa: PLC0415 - only for round(x, n)
from typing import Any

from partnergraph.graph.stores.cypher.database import Node, Path, Rel
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError, is_number, to_text, type_name


def _check(value, kinds: tuple, fn: str, what: str = "argument"):
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise CypherRuntimeError(f"{fn}(): the {what} must be a {kinds[0].__name__.replace('str', 'String').replace('int', 'Integer').replace('list', 'List')}, not {type_name(value)}")


def _str(fn):
    def wrapped(args):
        if args[0] is None:
            return None
        _check(args[0], (str,), fn.__name__.strip("_"))
        return fn(*args)
    return wrapped


_WS = " \t\n\r\x0b\x0c\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f"


def _int_arg(v, fn):
    if v is None:
        return None
    if not isinstance(v, int) or isinstance(v, bool):
        raise CypherRuntimeError(f"{fn}(): expected an Integer, not {type_name(v)}")
    return v


def substring(args):
    s, start = args[0], args[1]
    length = args[2] if len(args) > 2 else None
    if s is None:
        return None
    _check(s, (str,), "substring")
    start = _int_arg(start, "substring")
    if start is None or (len(args) > 2 and length is None):
        raise CypherRuntimeError("substring(): the start and length must not be null")
    if start < 0 or (length is not None and _int_arg(length, "substring") < 0):
        raise CypherRuntimeError("substring(): negative start or length")
    return s[start:] if length is None else s[start:start + length]


def _string_and_length(args, fn):
    """left()/right(): the string (None for null) and a non-negative length."""
    s, n = args
    if s is None:
        return None, None
    _check(s, (str,), fn)
    n = _int_arg(n, fn)
    if n is None or n < 0:
        raise CypherRuntimeError(f"{fn}(): the length must be a non-negative integer")
    return s, n


def left(args):
    s, n = _string_and_length(args, "left")
    return None if s is None else s[:n]


def right(args):
    s, n = _string_and_length(args, "right")
    return None if s is None else (s[len(s) - n:] if n else "")


def to_integer(args):
    v = args[0]
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise CypherRuntimeError("toInteger(): cannot convert NaN or infinity")
        return int(v)
    if isinstance(v, str):
        text = v.strip()
        try:
            return int(text, 0) if re.fullmatch(r"[-+]?(0x[0-9a-fA-F]+|[0-9]+)", text) else int(float(text))
        except (ValueError, OverflowError):
            return None
    raise CypherRuntimeError(f"toInteger(): cannot convert {type_name(v)}")


def to_float(args):
    v = args[0]
    if v is None:
        return None
    if is_number(v):
        return float(v)
    if isinstance(v, str):
        try:
            if not re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fFdD]?\s*|\s*[-+]?(NaN|Infinity)\s*", v):
                return None
            return float(v.strip().rstrip("fFdD"))
        except ValueError:
            return None
    raise CypherRuntimeError(f"toFloat(): cannot convert {type_name(v)}")


def to_boolean(args):
    v = args[0]
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str):
        return {"true": True, "false": False}.get(v.strip().lower())
    if isinstance(v, int):
        return v != 0
    raise CypherRuntimeError(f"toBoolean(): cannot convert {type_name(v)}")


def to_string(args):
    v = args[0]
    if v is None:
        return None
    if isinstance(v, (str, bool, int, float, date)):
        return to_text(v)
    raise CypherRuntimeError(f"toString(): cannot convert {type_name(v)}")


def round_(args):
    v = args[0]
    if v is None:
        return None
    if not is_number(v):
        raise CypherRuntimeError(f"round(): expected a number, not {type_name(v)}")
    if len(args) > 1:
        precision = _int_arg(args[1], "round")
        if precision is None:
            return None

        return float(Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP))
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return v
    return float(math.floor(v + 0.5))


def _unary(name: str, accepts: tuple, expected: str, fn):
    """A one-argument function: null in, null out, a value of another type than ``accepts`` an error."""
    def wrapped(args):
        v = args[0]
        if v is None:
            return None
        if not isinstance(v, accepts) or (isinstance(v, bool) and bool not in accepts):
            raise CypherRuntimeError(f"{name}(): expected {expected}, not {type_name(v)}")
        return fn(v)
    return wrapped


def _num1(fn, name):
    return _unary(name, (int, float), "a number", fn)


def _list_fn(fn, name):
    return _unary(name, (list,), "a list", fn)


def _range(args):
    if any(a is None for a in args):
        raise CypherRuntimeError("range(): arguments must not be null")
    start, end = _int_arg(args[0], "range"), _int_arg(args[1], "range")
    step = _int_arg(args[2], "range") if len(args) > 2 else 1
    if step == 0:
        raise CypherRuntimeError("range(): the step must not be 0")
    if abs((end - start) // step) > 1_000_000:
        raise CypherRuntimeError("range(): more than a million elements")
    return list(range(start, end + (1 if step > 0 else -1), step))


def _split(args):
    s, d = args
    if s is None or d is None:
        return None
    _check(s, (str,), "split")
    if isinstance(d, list):
        raise CypherRuntimeError("split() with a list of delimiters is not covered")
    _check(d, (str,), "split", "delimiter")
    return list(s) if d == "" else s.split(d)


def _replace(args):
    s, a, b = args
    if s is None or a is None or b is None:
        return None
    for x in (s, a, b):
        _check(x, (str,), "replace")
    if a == "":
        return b + b.join(s) + b if s else b
    return s.replace(a, b)


def _entity(v, name):
    if v is None:
        return None
    if not isinstance(v, (Node, Rel)):
        raise CypherRuntimeError(f"{name}(): expected a node or a relationship, not {type_name(v)}")
    return v


def _properties(args):
    v = args[0]
    if v is None:
        return None
    if isinstance(v, dict):
        return v
    return dict(_entity(v, "properties").props)


def parse_date(v):
    if v is None:
        return None
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        m = re.fullmatch(r"(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?", v.strip())
        if not m:
            raise CypherRuntimeError(f"date(): {v!r} is not a date (write it as YYYY-MM-DD)")
        try:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError as exc:
            raise CypherRuntimeError(f"date(): {v!r} is not a date ({exc})") from None
    if isinstance(v, dict):
        if set(v) - {"year", "month", "day"} or "year" not in v:
            raise CypherRuntimeError("date(): a map must have year and may have month and day")
        try:
            return date(v["year"], v.get("month", 1), v.get("day", 1))
        except (TypeError, ValueError) as exc:
            raise CypherRuntimeError(f"date(): {exc}") from None
    raise CypherRuntimeError(f"date(): cannot make a date from {type_name(v)}")


def _date(args):
    if not args:
        return date.today()
    return parse_date(args[0])


def _sign(v):
    return (v > 0) - (v < 0) if not (isinstance(v, float) and math.isnan(v)) else 0


FUNCTIONS = {
    "tolower": _str(lambda s: s.lower()), "toupper": _str(lambda s: s.upper()),
    "trim": _str(lambda s: s.strip(_WS)), "ltrim": _str(lambda s: s.lstrip(_WS)),
    "rtrim": _str(lambda s: s.rstrip(_WS)),
    "substring": substring, "left": left, "right": right, "replace": _replace, "split": _split,
    "reverse": _unary("reverse", (str, list), "a string or a list", lambda v: v[::-1]),
    "size": _unary("size", (str, list), "a string or a list", len),
    "length": _unary("length", (Path,), "a path", lambda p: len(p.rels)),
    "tointeger": to_integer, "tofloat": to_float, "toboolean": to_boolean, "tostring": to_string,
    "round": round_, "abs": _num1(abs, "abs"), "ceil": _num1(lambda v: float(math.ceil(v)), "ceil"),
    "floor": _num1(lambda v: float(math.floor(v)), "floor"), "sign": _num1(_sign, "sign"),
    "sqrt": _num1(lambda v: math.sqrt(v) if v >= 0 else math.nan, "sqrt"),
    "head": _list_fn(lambda v: v[0] if v else None, "head"), "last": _list_fn(lambda v: v[-1] if v else None, "last"),
    "tail": _list_fn(lambda v: v[1:], "tail"), "range": _range,
    "type": _unary("type", (Rel,), "a relationship", lambda r: r.type), "properties": _properties,
    "startnode": lambda a: None if a[0] is None else a[0].start, "endnode": lambda a: None if a[0] is None else a[0].end,
    "nodes": lambda a: None if a[0] is None else list(a[0].nodes),
    "relationships": lambda a: None if a[0] is None else list(a[0].rels),
    "coalesce": lambda a: next((v for v in a if v is not None), None),
    "date": _date,
}

#: How many arguments each function takes (min, max).
ARITY = {name: (1, 1) for name in FUNCTIONS}
ARITY.update({"substring": (2, 3), "left": (2, 2), "right": (2, 2), "replace": (3, 3), "split": (2, 2),
              "round": (1, 2), "range": (2, 3), "coalesce": (1, 1000), "date": (0, 1)})


def call(name: str, args: list[Any]) -> Any:
    """Run the scalar function ``name`` (lower case) on evaluated arguments."""
    return FUNCTIONS[name](args)
