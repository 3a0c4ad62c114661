"""Who has how much open work: the registry assignment asks before picking a person.

``org`` sits below the apps that own work (tickets, workshop, complaints, follow-ups…), so it cannot
count their rows itself.  Each such app registers one counter from its ``AppConfig.ready()``:

    register_open_work_counter("tickets.open", lambda user_ids: dict(
        Ticket.objects.filter(assignee_id__in=user_ids, status__in=OPEN)
        .values_list("assignee_id").annotate(Count("id"))))

A counter takes user ids and returns ``{user_id: open items}`` in one query (missing ids count 0).
With none registered — true today, no app assigns work yet — everyone's load is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

OpenWorkCounter = Callable[[list[int]], Mapping[int, int]]

_counters: dict[str, OpenWorkCounter] = {}


def register_open_work_counter(name: str, counter: OpenWorkCounter) -> None:
    """Register (or replace, by ``name``) one app's counter of open work per user."""
    _counters[name] = counter


def unregister_open_work_counter(name: str) -> None:
    _counters.pop(name, None)


def open_work(user_ids: Iterable[int]) -> Counter:
    """Open work per user id over every registered counter: one query per counter, whatever the
    number of users."""
    ids = list(user_ids)
    total: Counter = Counter(dict.fromkeys(ids, 0))
    if not ids:
        return total
    for counter in _counters.values():
        for uid, count in counter(ids).items():
            if uid in total:
                total[uid] += count
    return total
