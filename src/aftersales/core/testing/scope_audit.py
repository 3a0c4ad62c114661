"""The CI check that scoping fails closed (issue 7 item 1, ADR 0012 "Fails closed").

A static pass over the source: in every module that can put rows in front of a user — pages, API,
selectors, filters, forms, tables, imports, exports, timelines — each use of a scoped model's
manager (``Customer.objects…``, ``_default_manager``, ``_base_manager``) must go through
``restrict(user)`` or say ``unscoped(reason=…)`` in the same expression.  Write-only calls
(``create``, ``update``…) and ``none()`` pass: they put no row in front of anyone.

Why static and not a failing default manager: see ADR 0012.  The check is cheap (one parse of the
source tree), names the file and line, and runs in the ordinary test suite, so a new module that
forgets scoping fails CI before it reaches a user.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from pathlib import Path

from aftersales.core.scoping import scoped_models

MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}
SCOPING_CALLS = {"restrict", "unscoped"}
# Calls that return no row to the caller (or an empty queryset).
ROWLESS_CALLS = {"create", "bulk_create", "update", "bulk_update", "none", "get_or_create_lock"}

# Modules that never put rows in front of a user, each with the reason (globs, relative to the
# ``aftersales`` package).  Everything else is checked.  Keep this list short; prefer
# ``unscoped(reason=…)`` at the one call that needs it.
EXEMPT_MODULES = {
    "*/migrations/*": "schema history; runs as the deploying operator",
    "*/tests/*": "tests build rows of every organisation on purpose",
    "core/testing/*": "test helpers",
    "org/testing.py": "test fixtures",
    "core/imports/services/*.py": "the import job runner: reads its own job by id (a worker has no user)",
    "*/services.py": "writes: re-read by id the rows the caller fetched through a selector, under "
                     "SELECT … FOR UPDATE; the caller's scope is checked before (and, for foreign "
                     "keys, inside) the service",
    "*/services/*.py": "writes, as services.py",
    "*/tasks.py": "background jobs take ids and run as the system, never answer a user",
    "*/seed.py": "demo data, run from the command line",
    "*/seed_*.py": "demo data, run from the command line",
    "*/demo.py": "demo set-up, run from the command line",
    "*/management/commands/*": "command line: the operator has the whole database anyway",
    "*/admin.py": "the Django admin is for staff users (is_staff), never for dealer roles",
    "*/checks.py": "system checks at start-up",
    "*/apps.py": "app registration",
    "*/periodic.py": "periodic job registration, runs as the system",
}


# Reads that cross the scope in a module that is otherwise checked, by (module, model), each with
# why.  Prefer ``unscoped(reason=…)`` at the call; these are modules whose own rule applies the scope.
ACCEPTED = {
    ("customers/lookup/index.py", "Customer"): "the lookup applies the scope itself through the SearchKey table (ADR "
                                         "0004): these read rows by the ids it returned, or rebuild the index",
    ("customers/lookup/index.py", "CustomerPhone"): "as above: rebuilding the lookup index",
    ("customers/lookup/index.py", "Vehicle"): "as above: rebuilding the lookup index",
    # The import pipeline (issue 7 item 2): rows a user's file may touch are narrowed by
    # ``import_scope._scoped`` → ``restrict_queryset(qs, job.created_by)``; codes and VINs are unique
    # across the network, so the check also matches them network-wide on purpose — to refuse a
    # takeover or a duplicate with the same words whether or not the row exists elsewhere, never
    # naming it (``tests/test_scoped_writes.py``).
    ("customers/import_scope.py", "Organisation"): "dealer codes narrowed by _scoped() → restrict_queryset",
    ("customers/import_scope.py", "Customer"): "own customers via _scoped(); existing codes network-wide to "
                                                "refuse a takeover and audit the attempt on that customer",
    ("customers/import_scope.py", "CustomerPhone"): "numbers narrowed by _scoped() → restrict_queryset",
    ("customers/importers/customer_writes.py", "Organisation"): "id → code map to number new customers by their dealer's series",
    ("customers/importers/customer_writes.py", "Customer"): "apply stage: codes already checked in scope; unique network-wide",
    ("customers/importers/customers.py", "CustomerPhone"): "whether any number exists yet (a yes/no)",
    ("customers/importers/vehicles.py", "Vehicle"): "VINs are unique network-wide: a duplicate is refused without naming it",
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    model: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.model} read without restrict(user) or unscoped(reason=…): {self.code}"


def package_root() -> Path:
    import aftersales

    return Path(aftersales.__file__).parent


def exempt_reason(relative: str) -> str | None:
    for pattern, reason in EXEMPT_MODULES.items():
        if fnmatch.fnmatch(relative, pattern):
            return reason
    return None


def _chain_calls(node: ast.AST, parents: dict) -> list[str]:
    """Names of the methods called along the expression that starts at ``node`` (outwards)."""
    names = []
    current = node
    while True:
        parent = parents.get(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            names.append(parent.attr)
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        else:
            return names


def _model_name(value: ast.AST) -> str | None:
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Attribute):  # models.Customer.objects
        return value.attr
    return None


# A queryset handed to one of these is evaluated under a parent queryset that is checked itself
# (prefetching the children of restricted rows, a correlated EXISTS on OuterRef).
NESTED_UNDER_PARENT = {"Prefetch", "Exists", "Subquery"}
# Class attributes that list the fields narrowed to ``restrict(request.user)`` at run time
# (``core.filtersets.ScopedChoicesMixin``, ``core.api`` serializers' ``ScopedRelatedMixin``).
NARROWING_ATTRS = {"scoped_filters", "scoped_fields"}


def _nested_under_parent(node: ast.AST, parents: dict) -> bool:
    current = parents.get(node)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.Call) and _model_name(current.func) in NESTED_UNDER_PARENT:
            return True
        current = parents.get(current)
    return False


def _narrowed_at_run_time(node: ast.AST, parents: dict) -> bool:
    """``field = Filter(queryset=X.objects.all())`` in a class that narrows ``field`` per request
    (named in ``scoped_filters`` / ``scoped_fields``, or a ``validate_<field>`` that restricts)."""
    current = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    if not isinstance(current, ast.Assign) or len(current.targets) != 1 or not isinstance(current.targets[0], ast.Name):
        return False
    target = current.targets[0].id
    owner = parents.get(current)
    if not isinstance(owner, ast.ClassDef):
        return False
    for stmt in owner.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in NARROWING_ATTRS
                                                for t in stmt.targets):
            names = {e.value for e in ast.walk(stmt.value) if isinstance(e, ast.Constant)}
            if target in names:
                return True
        if (isinstance(stmt, ast.FunctionDef) and stmt.name == f"validate_{target}"
                and any(isinstance(n, ast.Attribute) and n.attr == "restrict" for n in ast.walk(stmt))):
            return True
    return False


def check_source(source: str, relative: str, scoped_names: set[str]) -> list[Finding]:
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGER_ATTRS):
            continue
        name = _model_name(node.value)
        if name not in scoped_names:
            continue
        calls = _chain_calls(node, parents)
        if SCOPING_CALLS & set(calls):
            continue
        if calls and calls[-1] in ROWLESS_CALLS:
            continue
        if _nested_under_parent(node, parents) or _narrowed_at_run_time(node, parents):
            continue
        found.append(Finding(relative, node.lineno, name, lines[node.lineno - 1].strip()))
    return sorted(found, key=lambda f: f.line)


def unscoped_reads(root: Path | None = None, *, include_accepted: bool = False) -> list[Finding]:
    """Every read of a scoped model's manager that neither restricts nor says why it does not
    (with ``include_accepted``, also those the module-level ``ACCEPTED`` entries cover)."""
    root = root or package_root()
    scoped_names = {m.__name__ for m in scoped_models()}
    findings = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if exempt_reason(relative):
            continue
        findings.extend(f for f in check_source(path.read_text(encoding="utf-8"), relative, scoped_names)
                        if include_accepted or (f.path, f.model) not in ACCEPTED)
    return findings
