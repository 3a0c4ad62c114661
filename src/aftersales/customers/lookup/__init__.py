"""Fast lookup of customers and vehicles (R-CUS-5): one search box, the API and the telephony
screen-pop (caller number → customers).

One module per job: ``keys`` (what a customer or vehicle is found by), ``index`` (keeping the key
table in step: re-keying and the set-based rebuild), ``query`` (which probes answer a query, and
the one SQL statement), ``results`` (hits, masked outside the scope), ``page`` (the lookup page).

Decision (ADR material)
-----------------------
*Index*: a derived key table, ``SearchKey`` (see ``models/search.py``), one row per token with a
kind prefix: reversed phone digits, reversed VIN, whole plate, inner plate suffixes (>= 3 chars),
whole name, inner name suffixes (>= 2 chars), pinyin initials.  Every kind of lookup becomes a
B-tree range scan ``key >= lo AND key < hi`` (suffix search = prefix search on the reversed string,
substring search = prefix search on the suffixes), identical on PostgreSQL and SQLite, so one code
path and one query plan shape serve both engines.  Rejected: pg_trgm (a 2-character Chinese name
has no useful trigram: ~190 ms on 1M rows), FTS5 (SQLite only, needs a second code path), LIKE
(collation- and ``case_sensitive_like``-dependent prefix optimisation).  Cost: ~5 rows per customer
and ~6 per vehicle and organisation; kept in sync by ``reindex_customer`` / ``reindex_vehicle``
(called by the archive services) and rebuilt set-based by ``rebuild_search_index`` after bulk
imports.

*Scope* (DESIGN.md "Scoping model"): the key rows carry ``organisation_id`` (customer: owning
dealer; vehicle: one row per selling / servicing / owner's dealer), so a dealer's fragment search is
an ordered scan of ``(organisation_id, key, -id)`` that stops after ``limit`` rows, however common
the fragment is network-wide.  Access grants (the one scoping method honours them) are extra
branches ``customer_id / vehicle_id IN (active grants of my organisations)``.  Exact identifiers
(full phone, full VIN, full valid plate) search network-wide; hits outside the scope come back
``masked`` (name and phone masked, no link) with a hint to receive the vehicle, which creates the
access grant (``services.receive_vehicle``).

*Ranking*: exact identifier matches first, then by kind (phone, VIN, plate, name, initials), then
by key (the exact token sorts before longer ones: 张伟 before 张伟明), then most recently indexed;
``limit`` (default 20) rows.  Everything — branches, ranking, limit and hydration (name, phone,
plate, VIN, dealer) — is ONE SQL statement; ``search_sql`` exposes it for the benchmark's floor.
"""
