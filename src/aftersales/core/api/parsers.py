"""A JSON parser that refuses what no client of this API sends (issue 7 item 8, ADR 0017).

DRF's parser hands the body to ``json.loads``; a body nested a few thousand levels deep makes it
raise ``RecursionError`` — not a ``ValueError`` — and the request answered 500.  No resource of
this API nests deeper than a few levels (a customer with its phones and addresses), so a body
deeper than ``MAX_DEPTH`` is a 400 naming the limit, checked without recursion.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def depth_of(value) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), iteratively."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body nests too deeply (more than %(max)d levels).")
                             % {"max": MAX_DEPTH}) from None
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(_("The JSON body nests too deeply (more than %(max)d levels).") % {"max": MAX_DEPTH})
        return data
