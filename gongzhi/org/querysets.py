from typing import Any, Self

from django.db import models

from gongzhi.org.scopes import scope_for


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: the one scoped-read mechanism of the project.

    A model names the path it is scoped by in `scope_path_field` (default: its own `path`).
    Tree nodes also show their ancestors, so a resident can read their own compound's name.
    Models with extra rules (a resident's own cases) override `visible_to` in their queryset.
    """

    scope_include_ancestors = True

    def visible_to(self, user: Any) -> Self:
        scope = scope_for(user)
        if scope.everything:
            return self
        path_field = getattr(self.model, "scope_path_field", "path")
        condition = scope.q(path_field)
        if self.scope_include_ancestors and path_field == "path":
            condition |= models.Q(path__in=scope.ancestor_paths())
        return self.filter(condition)
