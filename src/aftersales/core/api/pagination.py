"""Page-number pagination whose count stops at a cap: no unbounded COUNT(*) on big tables."""

from collections import OrderedDict

from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..paging import COUNT_CAP, MAX_PAGE, page_number, page_size


class CappedCountPagination(BasePagination):
    page_size = 50
    max_page_size = 500
    page_query_param = "page"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        # A malformed, negative or absurd page / page size is a 400 naming the parameter (ADR 0017);
        # a page past the last row stays a 404, as DRF answers it.
        self.page_number = page_number(request.query_params, self.page_query_param)
        self.page_size_value = page_size(request.query_params, self.page_size_query_param, default=self.page_size,
                                         maximum=self.max_page_size)
        offset = (self.page_number - 1) * self.page_size_value
        # Counting is capped: a sliced COUNT stops scanning after COUNT_CAP + 1 rows.
        self.count = queryset[: COUNT_CAP + 1].count() if hasattr(queryset, "query") else len(queryset)
        self.count_capped = self.count > COUNT_CAP
        if self.count_capped:
            self.count = COUNT_CAP
        rows = list(queryset[offset: offset + self.page_size_value + 1])
        self.has_next = len(rows) > self.page_size_value
        if offset and not rows:
            raise NotFound("Invalid page.")
        return rows[: self.page_size_value]

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        nxt = replace_query_param(url, self.page_query_param, self.page_number + 1) if self.has_next else None
        prev = None
        if self.page_number > 1:
            prev = (remove_query_param(url, self.page_query_param) if self.page_number == 2
                    else replace_query_param(url, self.page_query_param, self.page_number - 1))
        return Response(OrderedDict([
            ("count", self.count), ("count_capped", self.count_capped),
            ("next", nxt), ("previous", prev), ("results", data),
        ]))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": f"row count, capped at {COUNT_CAP}"},
                "count_capped": {"type": "boolean"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
