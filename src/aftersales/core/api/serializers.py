"""Serializer building blocks shared by every app's API."""


class ScopedRelatedMixin:
    """Related objects chosen by id must be inside the user's scope (else "does not exist").

    List the related fields in ``scoped_fields``; their querysets are narrowed with the one scoping
    method, so an id outside the scope gets the same error as an id that does not exist.
    """

    scoped_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            for name in self.scoped_fields:
                field = fields.get(name)
                if field is not None and getattr(field, "queryset", None) is not None:
                    field.queryset = field.queryset.model.objects.restrict(request.user)
        return fields
