"""What any JSON value stored or accepted by the project may hold, whatever its shape.

`json_problem` is the one check: at most MAX_JSON_DEPTH levels of nesting, at most
settings.JSON_FIELD_MAX_BYTES bytes as JSON, text without NUL or lone surrogates (PostgreSQL
refuses both) and numbers a float can hold. Every JSON column's validator runs it first (the
apps' models, admin forms, full_clean), and the API's parser runs it on every field of a body.
Each validator raises django.core.exceptions.ValidationError with a message that names the
offending path, e.g. "legs[1].line: must be a number".
"""

import json
import math
import sys

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_STRING_LENGTH = 10_000
MAX_JSON_DEPTH = 32
DEFAULT_JSON_FIELD_MAX_BYTES = 64 * 1024


def is_number(value) -> bool:
    """A finite number a float can hold (JSON allows integers of any size)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= sys.float_info.max
    return math.isfinite(value)


def json_field_max_bytes() -> int:
    return getattr(settings, "JSON_FIELD_MAX_BYTES", DEFAULT_JSON_FIELD_MAX_BYTES)


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds half of a UTF-16 surrogate pair (JSON's "\\ud800"), which no
    UTF-8 text, and so no PostgreSQL column, can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def validate_finite(value):
    if value is not None and not is_number(value):
        raise ValidationError("Must be a finite number.", code="not_finite")


def validate_clean_json(value, path="value"):
    """The limits of every JSON value (see the module's docstring)."""
    problem = json_problem(value, path)
    if problem:
        raise ValidationError(problem, code="invalid_json")


def json_problem(value, path):
    """What is wrong with the JSON `value` (named by its `path`), or None. Iterative, so that
    a value nested any deeper than the limit is refused rather than a RecursionError."""
    stack = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            problem = _text_problem(item, where)
            if problem:
                return problem
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            if not is_number(item):
                return f"{where}: numbers must be finite (no NaN or Infinity) and at most 1e308."
        elif isinstance(item, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                return f"{where}: nested deeper than {MAX_JSON_DEPTH} levels."
            if isinstance(item, dict):
                children = []
                for key, child in item.items():
                    problem = _text_problem(str(key), where, what="keys")
                    if problem:
                        return problem
                    children.append((child, f"{where}.{key}", depth + 1))
            else:
                children = [(child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item)]
            stack.extend(reversed(children))
    return _size_problem(value, path)


def _text_problem(text, where, what="text"):
    if "\x00" in text:
        return f"{where}: {what} may not contain NUL characters."
    if has_lone_surrogate(text):
        return f"{where}: {what} may not contain a lone surrogate (\\ud800-\\udfff, not Unicode)."
    if len(text) > MAX_STRING_LENGTH:
        return f"{where}: {what} may not be longer than {MAX_STRING_LENGTH} characters."
    return None


def _size_problem(value, path):
    limit = json_field_max_bytes()
    if not isinstance(value, (dict, list)):
        return None
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limit:
        return f"{path}: {size:,} bytes as JSON, more than the limit of {limit:,}."
    return None


def validate_json_object(value):
    if not isinstance(value, dict):
        raise ValidationError("Must be a JSON object.", code="not_object")
    validate_clean_json(value)
