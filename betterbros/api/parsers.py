"""The API's request parsers: a bounded body, and JSON whose every field keeps the limits of
`betterbros.json_validation.json_problem`.

A body larger than the view's `max_body_bytes` (default API_MAX_BODY_BYTES) is a 413 before it
is read. In a JSON body, a field nested deeper than MAX_JSON_DEPTH, larger than
JSON_FIELD_MAX_BYTES, or holding NUL, a lone surrogate or a number no float can hold is a 400
naming the field — the same check the model validators (admin, imports) and serializers run,
so nothing the parser lets through can fail in PostgreSQL or in the JSON encoder.
"""

import codecs
import json
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils.json import strict_constant

from betterbros.json_validation import MAX_JSON_DEPTH, json_problem

from .exceptions import PayloadTooLarge

# Strings (with their escapes) and the punctuation that gives a JSON text its structure.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')


def max_body_bytes(parser_context):
    view = (parser_context or {}).get("view")
    return getattr(view, "max_body_bytes", None) or settings.API_MAX_BODY_BYTES


def check_declared_size(parser_context):
    """413 when the request says (Content-Length) that its body is over the limit."""
    limit = max_body_bytes(parser_context)
    request = (parser_context or {}).get("request")
    meta = request.META if request is not None else {}
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge(limit)
    return limit


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = check_declared_size(parser_context)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(limit)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=strict_constant)
        except RecursionError:
            raise too_deep(text) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_fields(data)
        return data


def check_fields(data):
    """400 naming the first field of the body `data` that breaks the JSON limits."""
    if isinstance(data, dict):
        for key in data:
            problem = json_problem(key, "A field name")
            if problem:
                raise ParseError(problem)
        errors = {}
        for key, value in data.items():
            problem = json_problem(value, key)
            if problem:
                errors[key] = [problem]
        if errors:
            raise ValidationError(errors)
    else:
        problem = json_problem(data, "The body")
        if problem:
            raise ParseError(problem)


def too_deep(text):
    """The 400 for a body too deeply nested for Python's parser, naming the field if it can."""
    message = f"nested deeper than {MAX_JSON_DEPTH} levels."
    depth, key, last_string = 0, None, None
    for token in _STRUCTURE.finditer(text):
        symbol = token.group()
        if symbol in "[{":
            depth += 1
            if depth - 1 > MAX_JSON_DEPTH and key is not None:
                return ValidationError({key: [f"{key}: {message}"]})
        elif symbol in "]}":
            depth -= 1
        elif symbol == ":":
            if depth == 1 and last_string is not None:
                key = json.loads(last_string)
        else:
            last_string = symbol
    return ParseError(f"The body is {message}")


class BoundedFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        check_declared_size(parser_context)
        return super().parse(stream, media_type, parser_context)


class BoundedMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        check_declared_size(parser_context)
        return super().parse(stream, media_type, parser_context)
