"""Cypher text -> syntax tree, with the established parser ``cypherast`` (Neo4j dialect).

Nothing here rewrites query text. :func:`parse` returns a :class:`Statement`: the
tree plus, for every RETURN item without ``AS``, the item exactly as written (Neo4j
names such a column after its text). A syntax error is a :class:`CypherSyntaxError`
with the line and column and a caret under the place:

>>> parse("MATC (n) RETURN n")
Traceback (most recent call last):
  ...
partnergraph.graph.stores.cypher.parse.CypherSyntaxError: syntax error at line 1, column 1: Expected a query clause
  MATC (n) RETURN n
  ^
>>> [s.text for s in split_statements("RETURN 1; RETURN ';' ;")]
['RETURN 1', "RETURN ';'"]
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cypherast import ast
from cypherast.errors import CypherastError, ParseError
from cypherast.lexer import Lexer, TokenKind
from cypherast.parser import Parser

__all__ = ["CypherSyntaxError", "Statement", "parse", "split_statements", "walk", "ast"]


class CypherSyntaxError(ValueError):
    """The text is not Cypher: where (line, column) and what the parser expected."""

    def __init__(self, message: str, text: str, line: int, column: int):
        self.line, self.column, self.reason = line, column, message
        lines = text.splitlines() or [""]
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        super().__init__(f"syntax error at line {line}, column {column}: {message}\n  {shown}\n  {' ' * (column - 1)}^")


@dataclass
class Statement:
    text: str
    tree: ast.AstNode  # cypherast.ast.Cypher
    line: int = 1  # first line of the statement in a file of several


class _NamingParser(Parser):
    """cypherast's parser, also recording the source text of each RETURN item (Neo4j's column name)."""

    def __init__(self, source: str, dialect: str | None = None):
        super().__init__(source, dialect=dialect)
        self.tokens = _end_as_name(self.tokens, source)

    def parse_return_items(self):
        if self._check(TokenKind.STAR):
            return super().parse_return_items()
        items = []
        while True:
            start = self._peek().position.offset
            expr = self.parse_expression()
            end = self._peek().position.offset
            if self._match(TokenKind.AS):
                items.append(ast.Alias(this=expr, alias=self.parse_variable()))
            else:
                object.__setattr__(expr, "_text", self.source[start:end].strip())
                items.append(expr)
            if not self._match(TokenKind.COMMA):
                break
        return items

    def parse_not(self):
        """``NOT`` then its operand, parsed as any other: cypherast reads ``NOT (b:L XOR …)`` as a pattern."""
        if self._match(TokenKind.NOT):
            return ast.Not(this=self.parse_not())
        return self.parse_comparison()

    def _parse_paren_or_pattern(self):
        """Neo4j's grammar: a pattern in an expression has a relationship (``pathPatternNonEmpty``);
        anything else in parentheses, ``(b:Policy)`` or ``(b:A XOR b.x)``, is an expression."""
        saved = self._i
        try:
            path = self.parse_path_pattern()
            if len(path.elements) > 1:
                return ast.PatternPredicate(pattern=path, not_=False)
        except ParseError:
            pass
        self._i = saved
        self._expect(TokenKind.LPAREN)
        expr = self.parse_expression()
        self._expect(TokenKind.RPAREN)
        return expr

    def _parse_map_projection_entries(self):
        """As cypherast's, but a property selector may be a keyword (``n {.end}``), as in Neo4j."""
        self._expect(TokenKind.LBRACE)
        entries: list = []
        if not self._check(TokenKind.RBRACE):
            while True:
                if self._match(TokenKind.DOT):
                    if self._match(TokenKind.STAR):
                        entries.append(ast.Star())
                    else:
                        entries.append(ast.PropertySelector(name=self._parse_unquoted_name()))
                elif self._check(TokenKind.IDENT):
                    name = self._advance().text
                    if self._match(TokenKind.COLON):
                        entries.append((name, self.parse_expression()))
                    else:
                        entries.append(name)
                else:
                    name = self._parse_unquoted_name()
                    self._expect(TokenKind.COLON)
                    entries.append((name, self.parse_expression()))
                if not self._match(TokenKind.COMMA):
                    break
        self._expect(TokenKind.RBRACE)
        return entries


#: Tokens that can end an expression: only after one can ``END`` close a ``CASE``.
_ENDS_EXPRESSION = {TokenKind.IDENT, TokenKind.PARAMETER, TokenKind.STRING, TokenKind.INTEGER, TokenKind.FLOAT,
                    TokenKind.BOOLEAN, TokenKind.NULL, TokenKind.NULL_KW, TokenKind.TRUE, TokenKind.FALSE,
                    TokenKind.RPAREN, TokenKind.RBRACKET, TokenKind.RBRACE, TokenKind.END}


def _end_as_name(tokens: list, source: str) -> list:
    """``END`` closes an open ``CASE`` right after an expression; anywhere else it is a name, as in
    Neo4j (``MATCH (a)-->(end)``, ``CASE WHEN end.x > 1 ...``). cypherast always reads the keyword."""
    out, open_cases = [], 0
    for tok in tokens:
        if tok.kind is TokenKind.CASE:
            open_cases += 1
        elif tok.kind is TokenKind.END:
            after_property_dot = len(out) >= 2 and out[-2].kind is TokenKind.DOT
            if open_cases and out and (out[-1].kind in _ENDS_EXPRESSION or after_property_dot):
                open_cases -= 1
            else:
                start = tok.position.offset
                tok = replace(tok, kind=TokenKind.IDENT, text=source[start:start + len(tok.text)])  # as written
        out.append(tok)
    return out


def _message(exc: CypherastError) -> tuple[str, int, int]:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    pos = getattr(exc, "position", None)
    line, col = (pos.line, pos.col) if pos is not None else (1, 1)
    # "[CG1103] line 1:1 Expected a query clause" -> "Expected a query clause"
    if text.startswith("[CG"):
        text = text.split("]", 1)[1].strip()
    if text.startswith("line ") and " " in text[5:]:
        text = text[5:].split(" ", 1)[1]
    return text, line, col


def parse(text: str) -> Statement:
    """The syntax tree of one Cypher statement (a final ``;`` is allowed)."""
    body = text.strip()
    if not body.rstrip(";").strip():
        raise CypherSyntaxError("the query is empty", text, 1, 1)
    try:
        tree = _NamingParser(text, dialect="neo4j").parse()
    except CypherastError as exc:
        message, line, col = _message(exc)
        if "';'" in message or "SEMICOLON" in message:
            statements = split_statements(text)
            if len(statements) > 1:
                raise CypherSyntaxError("several statements separated by ';': run them with a file (one statement each)",
                                        text, statements[1].line, 1) from None
        raise CypherSyntaxError(message, text, line, col) from None
    except RecursionError:
        raise CypherSyntaxError("the query is nested too deeply", text, 1, 1) from None
    return Statement(text, tree)


def split_statements(text: str) -> list[Statement]:
    """``;``-separated statements of a file (``;`` inside strings and comments does not count), unparsed."""
    try:
        tokens = Lexer(text).tokenize()
    except CypherastError as exc:
        message, line, col = _message(exc)
        raise CypherSyntaxError(message, text, line, col) from None
    out, start, line = [], 0, 1
    for tok in tokens:
        if tok.kind in (TokenKind.SEMICOLON, TokenKind.EOF):
            chunk = text[start:tok.position.offset]
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                out.append(Statement(chunk.strip(), None, text.count("\n", 0, start + lead) + 1))
            start = tok.position.offset + 1
    return out


def walk(node):
    """Every tree node below ``node`` (itself first), depth first in source order."""
    if isinstance(node, ast.AstNode):
        yield node
        for v in node.args.values():
            yield from walk(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from walk(v)
