"""Soak: traffic against a running demo while its database is unavailable for 30 s (issue 7 item 7,
ADR 0013).

    .venv/bin/python bench/outage_soak.py [--outage 30] [--before 20] [--after 40] [--threads 4]

Starts ``aftersales demo`` (gunicorn web + worker + scheduler) on its own PostgreSQL database
``aftersales_soak_reliability`` (created and seeded the first time) and a free local port, then
sends requests from several threads: ``/healthz``, the home page and the customer list with a
signed-in session, the customer API with a token.  After ``--before`` seconds the database stops
accepting connections (``ALTER DATABASE … ALLOW_CONNECTIONS false`` and every open connection to
it terminated — the server itself, shared with others, keeps running) for ``--outage`` seconds,
then comes back.  Prints, per phase, how many answers were 2xx, 503 and anything else (a 500, a
refused connection, a timeout), then whether web, worker and scheduler are still the processes
that started and whether the scheduler enqueued, and the worker ran, a periodic job after the
outage.  Goal: "other" = 0 in every phase, all three processes alive, a periodic job done after.
"""

from __future__ import annotations

import argparse
import collections
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "soak"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin(sql: str, *params) -> list:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        cur = conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else []


def set_available(db: str, available: bool) -> None:
    admin(f'ALTER DATABASE "{db}" WITH ALLOW_CONNECTIONS {"true" if available else "false"}')
    if not available:
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
              "AND pid <> pg_backend_pid()", db)


class Session:
    """One signed-in browser (cookie jar + CSRF) or one API client (token)."""

    def __init__(self, base: str, timeout: float = 10.0):
        self.base, self.timeout = base, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def request(self, path: str, data: dict | None = None, headers: dict | None = None, json_body: bool = False):
        body = None
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if data is not None:
            if json_body:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
            else:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()
        except (OSError, urllib.error.URLError) as err:
            return f"error:{type(err).__name__}", b""

    def login(self, username: str, password: str = "demo") -> None:
        self.request("/login/")
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        status, _ = self.request("/login/", {"username": username, "password": password,
                                             "csrfmiddlewaretoken": csrf}, headers={"Referer": self.base + "/login/"})
        if status not in (200, 302):
            raise SystemExit(f"login as {username} failed: {status}")

    def obtain_token(self, username: str, password: str = "demo") -> None:
        status, body = self.request("/api/auth/token/", {"username": username, "password": password}, json_body=True)
        if status != 200:
            raise SystemExit(f"token for {username} failed: {status} {body[:200]!r}")
        self.token = json.loads(body)["token"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="aftersales_soak_reliability")
    parser.add_argument("--before", type=float, default=20)
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--after", type=float, default=40)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not admin("SELECT 1 FROM pg_database WHERE datname = %s", args.db):
        admin(f'CREATE DATABASE "{args.db}"')
    set_available(args.db, True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AFTERSALES_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.db}",
               AFTERSALES_DATA_DIR=str(OUT), AFTERSALES_DEBUG="0", AFTERSALES_LOG_LEVEL="WARNING")
    log = open(OUT / "demo.log", "w")  # noqa: SIM115 - kept open for the child's lifetime
    demo = subprocess.Popen([sys.executable, "-m", "aftersales", "demo", "--addr", f"127.0.0.1:{port}"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        run(args, base, demo)
    finally:
        set_available(args.db, True)
        os.killpg(demo.pid, 15)
        try:
            demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, 9)


def children(pid: int) -> dict[int, str]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    procs = {}
    for line in out.splitlines():
        child, _, cmd = line.strip().partition(" ")
        procs[int(child)] = cmd
    return procs


def run(args, base: str, demo: subprocess.Popen) -> None:
    probe = Session(base, timeout=5)
    started = time.time()
    while probe.request("/healthz")[0] != 200:
        if demo.poll() is not None or time.time() - started > 900:
            raise SystemExit(f"the demo did not come up (see {OUT / 'demo.log'})")
        time.sleep(1)
    print(f"demo up on {base} after {time.time() - started:.0f}s (migrate + seed the first time)")
    time.sleep(3)
    kids_before = children(demo.pid)
    roles = {pid: ("web" if "gunicorn" in cmd else "worker" if " worker" in cmd else
                   "scheduler" if "scheduler" in cmd else cmd) for pid, cmd in kids_before.items()}

    sessions = []
    for i in range(args.threads):
        page = Session(base)
        page.login(["agent", "manager", "dealer", "admin"][i % 4])
        api = Session(base)
        api.obtain_token(["agent", "manager", "dealer", "admin"][i % 4])
        sessions.append((page, api))

    phase = ["before"]
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    others: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def traffic(page: Session, api: Session) -> None:
        bare = Session(base)
        targets = [(bare, "/healthz"), (page, "/"), (page, "/customers/customers/"),
                   (api, "/api/customers/customers/?page_size=5"), (page, "/healthz")]
        i = 0
        while not stop.is_set():
            who, path = targets[i % len(targets)]
            i += 1
            status, _ = who.request(path)
            kind = "2xx" if isinstance(status, int) and 200 <= status < 300 else "503" if status == 503 else "other"
            with lock:
                counts[phase[0]][kind] += 1
                if kind == "other" and len(others) < 20:
                    others.append(f"{phase[0]} {path} -> {status}")

    threads = [threading.Thread(target=traffic, args=s, daemon=True) for s in sessions]
    for t in threads:
        t.start()
    time.sleep(args.before)
    phase[0] = "outage"
    outage_started = time.time()
    set_available(args.db, False)
    while time.time() - outage_started < args.outage:
        time.sleep(2)
        set_available(args.db, False)  # connections opened in between are cut as well
    set_available(args.db, True)
    back_at = time.time()
    phase[0] = "after"
    time.sleep(args.after)
    stop.set()
    for t in threads:
        t.join(timeout=15)

    print(f"database unavailable for {args.outage:.0f}s under traffic from {args.threads} clients")
    print(f"{'phase':<8} {'2xx':>7} {'503':>7} {'other':>7}")
    for name in ("before", "outage", "after"):
        c = counts[name]
        print(f"{name:<8} {c['2xx']:>7} {c['503']:>7} {c['other']:>7}")
    for line in others:
        print("  other:", line)

    # Carried on? The same processes, and a periodic job enqueued and run after the outage.
    deadline = time.time() + 120
    done = None
    while time.time() < deadline and done is None:
        rows = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{args.db}").execute(
            "SELECT r.job, r.period_key, t.status FROM core_periodicrun r JOIN django_tasks_database_dbtaskresult t "
            "ON t.id::text = r.task_result_id WHERE r.enqueued_at > to_timestamp(%s) ORDER BY r.enqueued_at",
            [back_at]).fetchall()
        done = next((r for r in rows if r[2] == "SUCCESSFUL"), None)
        if done is None:
            time.sleep(5)
    kids_after = children(demo.pid)
    for pid, role in roles.items():
        print(f"{role:<10} pid {pid}: {'still running' if pid in kids_after else 'GONE'}")
    print(f"demo process: {'running' if demo.poll() is None else 'exited ' + str(demo.returncode)}")
    if done:
        print(f"after the outage the scheduler enqueued {done[0]} ({done[1]}) and the worker ran it: {done[2]}")
    else:
        print("no periodic job was enqueued and run within 120 s after the outage")
    worker_log = re.findall(r"database (?:fault|reachable again)[^\n]*", (OUT / "demo.log").read_text())
    print(f"worker/scheduler log lines about the fault: {len(worker_log)}" + (f", e.g. {worker_log[0]!r}" if worker_log else ""))


if __name__ == "__main__":
    main()
