"""Neo4j's value semantics in Python: ternary logic, equality, comparison, ordering, arithmetic.

``None`` is Cypher's null. Booleans are never numbers (``true = 1`` is false), integers
and floats compare by value, a date never equals a string, comparing values of
different types gives null, ``IN`` over a list holding null gives null when nothing
matches, integer division truncates and ``%`` keeps the dividend's sign (Java).

>>> equals(1, 1.0), equals(True, 1), equals([1, None], [1, 2]), equals('2019', None)
(True, False, None, None)
>>> in_list(3, [1, None]), in_list(1, [1, None]), less(1, 'a')
(None, True, None)
>>> divide(-7, 2), modulo(-7, 2), add('n = ', 1.0)
(-3, -1, 'n = 1.0')
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from partnergraph.graph.stores.cypher.database import Node, Path, Rel


class CypherRuntimeError(ValueError):
    """The query failed while running, as it would on Neo4j (a type error, a division by zero...)."""


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: Neo4j's names of the value types (bool before int: a bool is an int in Python).
_TYPE_NAMES = ((bool, "Boolean"), (int, "Integer"), (float, "Float"), (str, "String"), (date, "Date"), (list, "List"),
               (dict, "Map"), (Node, "Node"), (Rel, "Relationship"), (Path, "Path"))


def type_name(v: Any) -> str:
    if v is None:
        return "NULL"
    return next((name for kind, name in _TYPE_NAMES if isinstance(v, kind)), type(v).__name__)


# --- logic ------------------------------------------------------------------------------------

def _kleene(a, b, decisive: bool):
    """Three-valued AND (``decisive`` False) and OR (True): a decisive operand decides, else null stays null."""
    if a is decisive or b is decisive:
        return decisive
    if a is None or b is None:
        return None
    return not decisive


def and_(a, b):
    return _kleene(a, b, False)


def or_(a, b):
    return _kleene(a, b, True)


def xor(a, b):
    if a is None or b is None:
        return None
    return a != b


def not_(a):
    return None if a is None else not a


def boolean(v: Any, what: str = "a predicate"):
    if v is None or isinstance(v, bool):
        return v
    raise CypherRuntimeError(f"{what} must be a Boolean, not {type_name(v)} ({render_short(v)})")


# --- equality and comparison -------------------------------------------------------------------

def has_labels(label_expression, labels) -> bool:
    """Neo4j's ``:A:B`` (every label) or ``:A|B`` (any of them) against a node's labels."""
    if label_expression.expression:
        return any(label in labels for label in label_expression.expression.split("|"))
    return all(label in labels for label in label_expression.labels)


def equals(a: Any, b: Any):
    """Cypher ``=``: True, False or None (null)."""
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
            return False
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        result = True
        for x, y in zip(a, b):
            result = and_(result, equals(x, y))
            if result is False:
                return False
        return result
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return False
        result = True
        for k in a:
            result = and_(result, equals(a[k], b[k]))
            if result is False:
                return False
        return result
    if isinstance(a, Path) and isinstance(b, Path):
        return a.nodes == b.nodes and a.rels == b.rels
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, (Node, Rel)):
        return a is b
    return a == b


def in_list(v: Any, items: Any):
    if items is None:
        return None
    if not isinstance(items, list):
        raise CypherRuntimeError(f"IN expects a list on its right, not {type_name(items)}")
    result = False
    for x in items:
        e = equals(v, x)
        if e is True:
            return True
        if e is None:
            result = None
    return result


def _comparable(a, b) -> bool:
    if is_number(a) and is_number(b):
        return True
    return type_name(a) == type_name(b) and isinstance(a, (str, bool, date, list))


def compare(a: Any, b: Any):
    """-1, 0, 1, or None when Cypher cannot compare them (null, different types, NaN)."""
    if a is None or b is None or not _comparable(a, b):
        return None
    if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
        return None
    if isinstance(a, list):
        for x, y in zip(a, b):
            c = compare(x, y)
            if c != 0:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, str):
        a, b = java_key(a), java_key(b)
    return (a > b) - (a < b)


def less(a, b):
    c = compare(a, b)
    return None if c is None else c < 0


def java_key(s: str) -> bytes:
    """Java's String order (UTF-16 code units)."""
    return s.encode("utf-16-be", "surrogatepass")


#: Neo4j's order across types, ascending (null last).
_RANK = {"Map": 0, "Node": 1, "Relationship": 2, "List": 3, "Path": 4, "Date": 7,
         "String": 11, "Boolean": 12, "Integer": 13, "Float": 13, "NULL": 15}


def order_key(v: Any):
    """A sort key giving Neo4j's ORDER BY order (orderability) for any value."""
    t = type_name(v)
    rank = _RANK.get(t, 14)
    if v is None:
        return (rank,)
    if isinstance(v, str):
        return (rank, java_key(v))
    if t in ("Integer", "Float"):
        return (rank, 1, 0) if isinstance(v, float) and math.isnan(v) else (rank, 0, v)
    if isinstance(v, list):
        return (rank, tuple(order_key(x) for x in v))
    if isinstance(v, dict):
        return (rank, tuple(sorted((k, order_key(x)) for k, x in v.items())))
    if isinstance(v, (Node, Rel)):
        return (rank, v.idx)
    if isinstance(v, Path):
        return (rank, tuple(n.idx for n in v.nodes), tuple(r.idx for r in v.rels))
    return (rank, v)


def group_key(v: Any):
    """Hashable key under which DISTINCT and grouping treat values as the same."""
    if v is None:
        return ("null",)
    if isinstance(v, bool):
        return ("b", v)
    if is_number(v):
        return ("n", v)
    if isinstance(v, str):
        return ("s", v)
    if isinstance(v, list):
        return ("l", tuple(group_key(x) for x in v))
    if isinstance(v, dict):
        return ("m", tuple(sorted((k, group_key(x)) for k, x in v.items())))
    if isinstance(v, Node):
        return ("N", v.idx)
    if isinstance(v, Rel):
        return ("R", v.idx)
    if isinstance(v, Path):
        return ("P", tuple(n.idx for n in v.nodes), tuple(r.idx for r in v.rels))
    return (type_name(v), v)


# --- arithmetic -------------------------------------------------------------------------------

INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


def _int(v: int) -> int:
    if not INT_MIN <= v <= INT_MAX:
        raise CypherRuntimeError("integer overflow (the result does not fit in 64 bits)")
    return v


def java_float(x: float) -> str:
    """Java's Double.toString: 1.0, 0.001, 1.0E-4, 1.0E7."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        if "e" in text:  # repr gives exponent form for some in-range values
            text = f"{x:.17f}".rstrip("0")
        return text if "." in text else text + ".0"
    mantissa, exp = f"{x:e}".split("e")
    digits = repr(x).split("e")[0] if "e" in repr(x) else None
    if digits is None:
        m = x / 10 ** int(exp)
        digits = repr(m)
    if "." not in digits:
        digits += ".0"
    return f"{digits}E{int(exp)}"


def to_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return java_float(v)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def add(a, b):
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        return _int(a + b) if isinstance(a, int) and isinstance(b, int) else float(a) + float(b)
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    if isinstance(a, list):
        return a + [b]
    if isinstance(b, list):
        return [a] + b
    if isinstance(a, str) and (isinstance(b, str) or is_number(b) or isinstance(b, bool)):
        return a + to_text(b)
    if isinstance(b, str) and (is_number(a) or isinstance(a, bool)):
        return to_text(a) + b
    raise CypherRuntimeError(f"cannot add {type_name(a)} and {type_name(b)}")


def _numbers(op: str):
    """An arithmetic operator on two numbers: null if either is null, an error for any other type."""
    def decorate(fn):
        def wrapped(a, b):
            if a is None or b is None:
                return None
            if not (is_number(a) and is_number(b)):
                raise CypherRuntimeError(f"cannot apply {op} to {type_name(a)} and {type_name(b)}")
            return fn(a, b)
        return wrapped
    return decorate


def _integers(a, b) -> bool:
    """Both integers (integer arithmetic); an integer division by zero is an error, as in Neo4j."""
    both = isinstance(a, int) and isinstance(b, int)
    if both and b == 0:
        raise CypherRuntimeError("division by zero")
    return both


@_numbers("-")
def subtract(a, b):
    return _int(a - b) if isinstance(a, int) and isinstance(b, int) else float(a) - float(b)


@_numbers("*")
def multiply(a, b):
    return _int(a * b) if isinstance(a, int) and isinstance(b, int) else float(a) * float(b)


@_numbers("/")
def divide(a, b):
    if _integers(a, b):
        q = abs(a) // abs(b)
        return _int(q if (a >= 0) == (b >= 0) else -q)
    a, b = float(a), float(b)
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


@_numbers("%")
def modulo(a, b):
    if _integers(a, b):
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if float(b) == 0:
        return math.nan
    return math.fmod(float(a), float(b))


@_numbers("^")
def power(a, b):
    try:
        return math.pow(float(a), float(b))
    except (OverflowError, ValueError):
        return math.inf if float(a) > 0 else math.nan


def negate(a):
    if a is None:
        return None
    if not is_number(a):
        raise CypherRuntimeError(f"cannot negate {type_name(a)}")
    return _int(-a) if isinstance(a, int) else -a


def render_short(v: Any) -> str:
    text = repr(v)
    return text if len(text) < 40 else text[:37] + "..."


# --- regular expressions (Java's java.util.regex, the subset that means the same in Python) ---

class RegexRefused(ValueError):
    """A regular expression whose Java meaning the local engine does not reproduce."""


_FLAG_PREFIX = re.compile(r"^\(\?([imsux]+)\)")
_ESCAPES = set("dDsSwWbBtnrf.\\[]{}()*+?^$|-/'\"")


def java_regex(pattern: str) -> re.Pattern:
    """A Python pattern matching exactly what Java's ``Pattern.matches`` would, or RegexRefused.

    Java's ``(?i)`` folds ASCII letters only (``(?iu)`` folds all of Unicode); ``\\w``, ``\\d``,
    ``\\s`` and ``\\b`` are ASCII; ``.`` stops at line terminators. Constructs whose meaning
    differs (possessive quantifiers, ``\\p{..}``, ``\\Q..\\E``, named groups, flags mid-pattern,
    the ``(?x)`` comment syntax...) are refused by name.
    """
    flags, body = 0, pattern
    m = _FLAG_PREFIX.match(pattern)
    letters = m.group(1) if m else ""
    if m:
        body = pattern[m.end():]
    if "x" in letters:
        raise RegexRefused("the (?x) flag")
    if "i" in letters:
        flags |= re.IGNORECASE
    if "s" in letters:
        flags |= re.DOTALL
    if "m" in letters:
        flags |= re.MULTILINE
    if not ("u" in letters and "i" in letters):
        flags |= re.ASCII
    i, in_class = 0, False
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise RegexRefused(f"the escape \\{nxt}")
            i += 2
            continue
        if in_class:
            if c == "[" or body.startswith("&&", i):
                raise RegexRefused("a nested or intersected character class")
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if body.startswith("[]", i) or body.startswith("[^]", i):
                raise RegexRefused("a character class starting with ]")
        elif c == "(" and body.startswith("(?", i):
            ok = any(body.startswith(p, i) for p in ("(?:", "(?=", "(?!", "(?<=", "(?<!"))
            if not ok:
                raise RegexRefused(f"the group {body[i:i + 4]}...")
        elif c in "*+?}" and i + 1 < len(body) and body[i + 1] == "+":
            raise RegexRefused("a possessive quantifier")
        elif c == "." and not flags & re.DOTALL:
            body = body[:i] + r"[^\n\r\u0085\u2028\u2029]" + body[i + 1:]
            i += len(r"[^\n\r\u0085\u2028\u2029]")
            continue
        i += 1
    if in_class:
        raise CypherRuntimeError(f"invalid regular expression {pattern!r}: unclosed character class")
    if "$" in body and not flags & re.MULTILINE:
        pass  # with a whole-string match, Java's $ before a final line terminator is the only difference
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise CypherRuntimeError(f"invalid regular expression {pattern!r}: {exc}") from None
