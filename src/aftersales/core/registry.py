"""Extension points that higher apps plug into, so lower layers never import upward.

- navigation: menu entries per app, shown by permission (navigation by role);
- work items: the home page "我的工作" asks every provider for the user's due work;
- timeline renderers: each app says how its audit actions read on a timeline;
- page actions: buttons a higher app adds to a lower app's page (a new ticket from the customer page);
- periodic jobs: declared in code, run by ``aftersales scheduler``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: any signed-in user
    icon: str = ""
    order: int = 100
    # Extra check for entries that depend on more than one permission (e.g. staff only).
    visible: Callable[[object], bool] | None = None

    def url(self) -> str:
        return reverse(self.url_name)

    def allowed(self, user) -> bool:
        if self.permission and not user.has_perm(self.permission):
            return False
        return self.visible(user) if self.visible else True


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    order: int
    items: list[NavItem] = field(default_factory=list)


_nav: dict[str, NavSection] = {}


def register_nav(section_key: str, section_label: str, order: int, items: Iterable[NavItem]) -> None:
    section = _nav.setdefault(section_key, NavSection(section_key, section_label, order))
    names = {i.url_name for i in section.items}
    section.items.extend(i for i in items if i.url_name not in names)
    section.items.sort(key=lambda i: i.order)


def navigation_for(user) -> list[dict]:
    out = []
    for section in sorted(_nav.values(), key=lambda s: s.order):
        items = [i for i in section.items if i.allowed(user)]
        if items:
            out.append({"key": section.key, "label": section.label, "items": items})
    return out


@dataclass(frozen=True)
class WorkItem:
    """One line of "我的工作": a count of due things and where to handle them."""

    key: str
    title: str
    count: int
    url: str
    severity: str = "info"  # info | warning | danger
    hint: str = ""

    @property
    def count_label(self) -> str:
        """``1000+`` for a count ``capped_count`` stopped at the cap."""
        return f"{WORK_ITEM_COUNT_CAP}+" if self.count > WORK_ITEM_COUNT_CAP else str(self.count)


#: A home page never counts a large table to the end: beyond this a work item says "1000+".
WORK_ITEM_COUNT_CAP = 1000


def capped_count(queryset, cap: int = WORK_ITEM_COUNT_CAP) -> int:
    """``COUNT`` over at most ``cap + 1`` rows (a LIMIT inside the count), so 「我的工作」 stays fast
    on a million vehicles; the template shows ``cap+`` when the result is above the cap."""
    return queryset.order_by()[: cap + 1].count()


WorkItemProvider = Callable[[object], Iterable[WorkItem]]
_work_item_providers: list[WorkItemProvider] = []


def register_work_items(provider: WorkItemProvider) -> WorkItemProvider:
    if provider not in _work_item_providers:
        _work_item_providers.append(provider)
    return provider


def work_items_for(user) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in _work_item_providers:
        items.extend(i for i in provider(user) if i.count)
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda i: (order.get(i.severity, 3), i.title))


@dataclass(frozen=True)
class PageAction:
    """A button a higher app adds to a lower app's page ("新建工单" on the customer 360 page)."""

    label: str
    url: str
    style: str = "outline-primary"
    testid: str = ""


# page key ("customers.customer") -> providers(user, obj) -> PageActions the user may take there
_page_actions: dict[str, list[Callable]] = {}


def register_page_actions(page: str, provider: Callable) -> Callable:
    providers = _page_actions.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)
    return provider


def page_actions_for(page: str, user, obj) -> list[PageAction]:
    return [action for provider in _page_actions.get(page, ()) for action in provider(user, obj)]


# action prefix -> callable(event) -> str (a sentence for the timeline)
_timeline_renderers: dict[str, Callable] = {}


def register_timeline_renderer(action_prefix: str, renderer: Callable) -> None:
    _timeline_renderers[action_prefix] = renderer


def timeline_renderer(action: str) -> Callable | None:
    best = None
    for prefix, fn in _timeline_renderers.items():
        if action.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, fn)
    return best[1] if best else None


@dataclass(frozen=True)
class PeriodicJob:
    """A job run once per period.  ``period_key(now)`` names the period; the scheduler enqueues the
    task when no run with that key exists yet (unique constraint), so restarts and a second
    scheduler never run one period twice."""

    name: str
    task_path: str
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    weekly_on: int | None = None  # 0 = Monday, with daily_at
    description: str = ""

    def period_key(self, now: datetime.datetime) -> str | None:
        """The current period's key, or None when the job is not due yet in this period."""
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            slot = int(now.timestamp()) // seconds
            return f"every{seconds}:{slot}"
        assert self.daily_at is not None
        if self.weekly_on is not None:
            # Due from the given weekday and time until the week ends, so a scheduler that was down
            # on Monday morning still produces this week's run.
            if (now.weekday(), now.time()) < (self.weekly_on, self.daily_at):
                return None
            year, week, _ = now.isocalendar()
            return f"{year}-W{week:02d}"
        if now.time() < self.daily_at:
            return None
        return now.date().isoformat()


_periodic: dict[str, PeriodicJob] = {}


def register_periodic(job: PeriodicJob) -> PeriodicJob:
    _periodic[job.name] = job
    return job


def periodic_jobs() -> list[PeriodicJob]:
    return list(_periodic.values())


# What the jobs page calls each background task: a name an administrator reads, not its code path.
# Declared beside the app's periodic jobs (loaded at start-up); a test finds every ``@task`` without one.
_job_labels: dict[str, object] = {}


def register_job_labels(labels: dict[str, object]) -> None:
    """``{task path: lazy label}``, the path as the worker stores it (``Task.module_path``)."""
    _job_labels.update(labels)


def job_label(task_path: str) -> str:
    label = _job_labels.get(task_path)
    if label is None:
        from django.utils.translation import gettext

        return gettext("Other background job")
    return str(label)


def job_labels() -> dict[str, object]:
    return dict(_job_labels)


# Small values every page's chrome shows (e.g. unread notifications); each app adds its own.
_shell_context: list[Callable[[object], dict]] = []


def register_shell_context(provider: Callable[[object], dict]) -> None:
    if provider not in _shell_context:
        _shell_context.append(provider)


def shell_context_for(request) -> dict:
    out: dict = {}
    for provider in _shell_context:
        out.update(provider(request))
    return out


@dataclass(frozen=True)
class SeedStep:
    """A part of ``aftersales seed``; each app adds its own, run in ``order``.

    ``run(scale=…, stdout=…)`` must be deterministic (fixed random seed) and idempotent (a second
    seed changes nothing)."""

    name: str
    order: int
    run: Callable[..., None]


_seed_steps: dict[str, SeedStep] = {}


def register_seed_step(step: SeedStep) -> SeedStep:
    _seed_steps[step.name] = step
    return step


def seed_steps() -> list[SeedStep]:
    return sorted(_seed_steps.values(), key=lambda s: s.order)
