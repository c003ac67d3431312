"""Concurrent clerks: 20 clerks of 20 departments open and save their drafts' editor pages at
once, under gunicorn, on SQLite and on PostgreSQL (issue 20).

``python -m bench.clerks`` prints, for each database (suffix ``_sqlite``, ``_postgres``),
``clerk_save_p50_ms``, ``clerk_save_p95_ms``, ``clerk_open_p95_ms``, ``clerk_saves`` and
``clerk_failed``, and ``clerk_setup``, as JSON; ``python -m bench.clerks sqlite`` (or
``postgres``) measures one database only.

The set-up, over a throwaway copy of the demo database (bench/common.py's SQLite file, then
bench/postgres.py's database), makes 20 departments, each with its clerk and a draft of the
demo year copied from the demo report (text, figures and scores). The server is gunicorn
with the repository's gunicorn.conf.py and its default worker count (two a core), running the
production settings as ``make serve`` does. Each simulated clerk, a thread of this process
with its own signed-in session, goes round its draft's editor: it opens a section's page
(``GET /reports/<id>/edit/<section>/``), thinks, posts the page's form back with one value
changed (the 工作计划 text of 部门概况, or a 决算 amount of “三公”经费: the fields the page
rendered, its CSRF token and snapshot included) and follows the redirect that answers a
save, thinks again (2–6 s each time, ``THINK_S``), and goes on with the next section. A save
counts when it answers the redirect to its page and the page then shows the new value; at the
end the database must hold each clerk's last values. Before the counted 20 s, each clerk saves
each section once without thinking, not counted, so that every worker has loaded the editor's
code and templates.

Beside them, to tell where the time goes: ``clerk_server_save_p95_ms`` and
``clerk_server_open_p95_ms`` (gunicorn's own time for the request, without the wait for a
free worker), ``clerk_requests_per_s``, and the CPU the server and the load generator spent
in the window (``clerk_server_cpu_share``, ``clerk_load_cpu_share``: 1 = every core busy;
``clerk_server_cpu_ms_per_request``), and the baseline ``clerk_save_alone_p50_ms`` and
``clerk_save_alone_max_ms``: one clerk alone for 10 s on the same warm server just before.
"""

from __future__ import annotations

import concurrent.futures
import html
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import common, postgres
from bench.web import gunicorn, log_tail

CLERKS = 20
SECONDS = 20.0
ALONE_SECONDS = 10.0  # the baseline: one clerk alone on the warm server, just before
# Between two requests of one clerk, uniformly at random. A clerk reads the page and types
# between two requests, tens of seconds in practice; 2–6 s is several times faster still, and
# makes 20 clerks ask some 10 requests a second of the server. At 0.5–1.5 s they would ask 30,
# some 2.3 cores of server CPU at ~75 ms each: on 2 cores the saves then queue for a worker
# (p95 over 2 s, none failed), which measures the machine's capacity rather than waiting.
THINK_S = (2.0, 6.0)
SEED = 20
# gunicorn.conf.py's default: two sync workers a core.
WORKERS = 2 * (os.cpu_count() or 1)
# What a clerk edits: (section, field changed). The text of 部门概况 and a 决算 amount.
EDITS = (("overview", "work_plan"), ("three_public", "three_public-0-actual"))
DATABASES = ("sqlite", "postgres")
MARKER = "【基准测试保存 {clerk}-{n}】"


# --- set-up and check, in a process configured for one database ------------------------


def report_copy(demo, *, department):
    """The demo report's text, figures and scores as a draft of ``department``, demo year
    (as common.demo_copy, for another department)."""
    from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
    from budgets.writers import lines_create
    from reports.models import NARRATIVE_FIELDS, Report
    from scoring.models import GroupResult, IndicatorResult
    from scoring.writers import results_create

    report = Report.objects.create(
        department=department,
        year=demo.year,
        framework=demo.framework,
        report_date=demo.report_date,
        **{name: getattr(demo, name) for name in NARRATIVE_FIELDS},
    )
    lines = [
        row
        for model in (IncomeLine, ExpenditureLine, ThreePublicLine, Project)
        for row in model.objects.filter(report=demo).order_by("pk")
    ]
    results = {
        model: list(model.objects.filter(report=demo)) for model in (IndicatorResult, GroupResult)
    }
    for row in (*lines, *results[IndicatorResult], *results[GroupResult]):
        row.pk, row.report = None, report
    lines_create(lines)
    results_create(results[IndicatorResult], results[GroupResult])
    return report


def django_setup(env: dict[str, str]) -> None:
    """Django in this process with the server's environment (its secret key signs sessions:
    common's is drawn anew in each process)."""
    os.environ.update(env)
    import django

    django.setup()


def clerks_create(env: dict[str, str], count: int) -> list[dict]:
    """``count`` departments, each with a clerk and a draft; each clerk's session cookie."""
    django_setup(env)
    from django.db import connections, transaction

    from bench.web import session_cookie
    from departments import roles
    from departments.models import Department, User
    from reports.selectors import report_get

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    clerks = []
    for n in range(1, count + 1):
        with transaction.atomic():
            department = Department.objects.create(
                name=f"基准测试部门{n:02d}",
                code=f"BENCH-CLERK-{n:02d}",
                reporting_unit=f"基准测试部门{n:02d}办公室",
            )
            user = User.objects.create_user(f"bench-clerk-{n:02d}", department=department)
            user.groups.add(roles.role_group(roles.CLERK))
            report = report_copy(demo, department=department)
        clerks.append({"report": report.pk, "cookie": session_cookie(user.username)})
    connections.close_all()
    return clerks


def stored_values(env: dict[str, str], reports: list[int]) -> dict:
    """What the database holds of the edited fields: {report id: {field: value}}."""
    django_setup(env)
    from budgets.models import ThreePublicLine
    from reports.models import Report

    found: dict = {}
    for report in Report.objects.filter(pk__in=reports):
        first = ThreePublicLine.objects.filter(report=report).order_by("pk").first()
        found[report.pk] = {
            "work_plan": report.work_plan,
            "three_public-0-actual": None if first is None else str(first.actual),
        }
    return found


def in_process(function, *args):
    """``function(*args)`` in a fresh process (Django is set up once per process)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


# --- the server ----------------------------------------------------------------------------


# --- a clerk's browser ---------------------------------------------------------------------

_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_OPTION = re.compile(r"<option\b([^>]*)>", re.S)
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)


def _attributes(text: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(text)}


def form_fields(page: str, wanted: str) -> list[tuple[str, str]]:
    """The fields a browser would post from the page's form holding field ``wanted``: every
    named input (checked boxes only), text area and select, with the value it shows."""
    for form in _FORM.findall(page):
        fields: list[tuple[str, str]] = []
        for attributes in map(_attributes, _INPUT.findall(form)):
            kind = attributes.get("type", "text").lower()
            if "name" not in attributes or kind in ("submit", "button", "file", "reset"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                continue
            fields.append((attributes["name"], attributes.get("value", "")))
        for attributes, text in _TEXTAREA.findall(form):
            # A browser drops the newline right after <textarea>.
            value = html.unescape(text)
            fields.append((_attributes(attributes)["name"], value.removeprefix("\n")))
        for attributes, options in _SELECT.findall(form):
            chosen = [_attributes(option) for option in _OPTION.findall(options)]
            selected = [o for o in chosen if "selected" in o] or chosen[:1]
            fields += [(_attributes(attributes)["name"], o.get("value", "")) for o in selected]
        if any(name == wanted for name, _ in fields):
            return fields
    raise ValueError(f"no form with the field {wanted}")


@dataclass
class Tally:
    """Every counted request of one clerk: (kind, milliseconds), and what went wrong."""

    times: list[tuple[str, float]] = field(default_factory=list)
    saves: int = 0
    failures: list[str] = field(default_factory=list)
    last: dict[str, str] = field(default_factory=dict)  # field → the value last saved


class Clerk:
    """One clerk with its own session (and the cookies the server sets: CSRF, messages)."""

    def __init__(self, number: int, port: int, report: int, cookie: str, seed: int):
        self.number, self.port, self.report = number, port, report
        self.cookies = dict([cookie.split("=", 1)])
        self.random = random.Random(seed)
        self.tally = Tally()
        self.saves = 0

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str, str]:
        """The status, ``Location`` and body of one request (a connection each, as gunicorn's
        sync workers close them)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body.encode() or None, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.coded_value
            return response.status, response.getheader("Location", ""), content
        finally:
            connection.close()

    def timed(self, kind: str, counted: bool, method: str, path: str, body: str = ""):
        started = time.perf_counter()
        try:
            answer = self.request(method, path, body)
        except (OSError, http.client.HTTPException) as error:
            self.failed(f"{method} {path}: {error!r}")
            return None
        if counted:
            self.tally.times.append((kind, (time.perf_counter() - started) * 1000))
        return answer

    def failed(self, what: str) -> None:
        """A failure counts in the warm-up too: nothing may fail, whenever it happens."""
        self.tally.failures.append(f"clerk {self.number}: {what}")

    def think(self, until: float = float("inf")) -> None:
        """Think for a while, or until ``until`` (when no more rounds start)."""
        pause = self.random.uniform(*THINK_S)
        time.sleep(max(0.0, min(pause, until - time.perf_counter())))

    def cycle(self, section: str, wanted: str, counted: bool, think: bool = True) -> None:
        """Open ``section``, think, save it with ``wanted`` changed, follow the redirect."""
        path = f"/reports/{self.report}/edit/{section}/"
        answer = self.timed("open", counted, "GET", path)
        if answer is None:
            return
        status, _, page = answer
        if status != 200:
            return self.failed(f"GET {path}: {status}")
        fields = form_fields(page, wanted)
        self.saves += 1
        value = self.edited(wanted, dict(fields)[wanted])
        body = urlencode([(name, value if name == wanted else v) for name, v in fields])
        if think:
            self.think()
        answer = self.timed("save", counted, "POST", path, body)
        if answer is None:
            return
        status, location, page = answer
        if status != 302 or urlsplit(location).path != path:
            # A form shown again: invalid input, a stale snapshot, a refusal.
            error = re.search(r'class="[^"]*alert[^"]*"[^>]*>(.*?)<', page, re.S)
            reason = error.group(1).strip() if error else page[:200]
            return self.failed(f"POST {path}: {status} {location} {reason}")
        self.tally.last[wanted] = value
        answer = self.timed("open", counted, "GET", path)
        if answer is None:
            return
        status, _, page = answer
        if status != 200:
            return self.failed(f"GET {path} after saving: {status}")
        if dict(form_fields(page, wanted))[wanted] != value:
            return self.failed(f"{path}: {wanted} not saved")
        if counted:
            self.tally.saves += 1

    def edited(self, wanted: str, shown: str) -> str:
        """A realistic change: a sentence added to the text, a new 决算 amount (万元)."""
        if wanted == "work_plan":
            base = re.sub(r"【基准测试保存 [\d-]+】$", "", shown)
            return base + MARKER.format(clerk=self.number, n=self.saves)
        return f"{self.number * 10 + self.saves % 1000 / 100:.2f}"

    def warm_up(self) -> None:
        """Each section once, without thinking, not counted: every worker then has each
        page's templates and code loaded (a worker's first editor page costs ~0.5 s of CPU)."""
        for section, wanted in EDITS:
            try:
                self.cycle(section, wanted, counted=False, think=False)
            except Exception as error:
                self.failed(f"warm-up {section}: {error!r}")

    def run(self, end: float) -> None:
        # Clerks do not all start at once: each waits a think time first.
        self.think(until=end)
        for n in range(10**6):
            if time.perf_counter() >= end:
                break
            section, wanted = EDITS[(self.number + n) % len(EDITS)]
            try:
                self.cycle(section, wanted, counted=True)
            except Exception as error:  # a page without the form, say
                self.failed(f"{section}: {error!r}")
            self.think(until=end)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of process ``pid`` and its children so far (Linux)."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for process in [pid, *map(int, children)]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (in clock ticks)
    except OSError:
        return float("nan")
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Window:
    """The counted window: its wall-clock start (for the server's log), and the CPU seconds
    the server and this process (the load) spent in it."""

    wall_start: float = 0.0
    seconds: float = 0.0
    server_cpu: float = 0.0
    load_cpu: float = 0.0


def clerks_run(port: int, server: int, clerks: list[dict]) -> tuple[list[Clerk], Clerk, Window]:
    simulated = [
        Clerk(n, port, clerk["report"], clerk["cookie"], seed=SEED * 1000 + n)
        for n, clerk in enumerate(clerks, start=1)
    ]
    together([clerk.warm_up for clerk in simulated])
    # The baseline: the first clerk's department again, its clerk alone.
    alone = Clerk(1, port, clerks[0]["report"], clerks[0]["cookie"], seed=SEED * 1000)
    alone.run(time.perf_counter() + ALONE_SECONDS)
    window = Window(wall_start=time.time())
    first = cpu_seconds(server), time.process_time(), time.perf_counter()
    end = first[2] + SECONDS
    together([lambda clerk=clerk: clerk.run(end) for clerk in simulated])
    # Measured to the last response: rounds under way at the end still count.
    window.server_cpu = cpu_seconds(server) - first[0]
    window.load_cpu = time.process_time() - first[1]
    window.seconds = time.perf_counter() - first[2]
    return simulated, alone, window


def together(calls: list) -> None:
    """Each call in its own thread, all at once; back when all are done."""
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def server_durations(log: Path, since: float) -> dict[str, list[float]]:
    """gunicorn's own time (ms, from reading the request to the response's end: no wait for
    a free worker) of each editor GET and POST it started from ``since`` (epoch seconds)."""
    found: dict[str, list[float]] = {"GET": [], "POST": []}
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "/edit/" not in entry.get("path", "") or "duration_ms" not in entry:
            continue
        ended = datetime.fromisoformat(entry["time"]).timestamp()
        if ended - entry["duration_ms"] / 1000 >= since:  # started in the window
            found.setdefault(entry["method"], []).append(entry["duration_ms"])
    return found


# --- one database ----------------------------------------------------------------------------


def measure_one(figures: dict, name: str, database: Path | str, work: Path) -> None:
    media = work / f"media-{name}"
    env = common.bench_env(database=database, media=media)
    common.progress(f"clerks ({name}): {CLERKS} departments, clerks and drafts")
    clerks = in_process(clerks_create, env, CLERKS)
    log = work / f"gunicorn-{name}.log"
    common.progress(f"clerks ({name}): gunicorn with {WORKERS} workers, {SECONDS:g} s")
    with gunicorn(env, log, workers=None) as (port, pid):
        simulated, alone, window = clerks_run(port, pid, clerks)
    stored = in_process(stored_values, env, [clerk["report"] for clerk in clerks])
    failures = [failure for clerk in [alone, *simulated] for failure in clerk.tally.failures]
    for clerk in simulated:
        for wanted, value in clerk.tally.last.items():
            held = stored[clerk.report][wanted]
            if wanted != "work_plan":
                held, value = f"{float(held):.2f}", f"{float(value):.2f}"
            if held != value:
                failures.append(f"clerk {clerk.number}: {wanted} holds {held!r}, saved {value!r}")
    times = [entry for clerk in simulated for entry in clerk.tally.times]
    saves = [ms for kind, ms in times if kind == "save"]
    opens = [ms for kind, ms in times if kind == "open"]
    for failure in failures[:10]:
        common.progress(f"clerks ({name}): FAILED {failure}")
    if not saves:
        tail = "\n".join(line[:400] for line in log_tail(log).splitlines())
        raise RuntimeError(f"no save went through:\n{tail}")
    server = server_durations(log, window.wall_start)
    alone_saves = [ms for kind, ms in alone.tally.times if kind == "save"] or [float("nan")]
    figures.update(
        {
            f"clerk_save_p50_ms_{name}": round(percentile(saves, 0.5), 1),
            f"clerk_save_p95_ms_{name}": round(percentile(saves, 0.95), 1),
            f"clerk_save_max_ms_{name}": round(max(saves), 1),
            f"clerk_open_p50_ms_{name}": round(percentile(opens, 0.5), 1),
            f"clerk_open_p95_ms_{name}": round(percentile(opens, 0.95), 1),
            f"clerk_saves_{name}": sum(clerk.tally.saves for clerk in simulated),
            f"clerk_requests_{name}": len(times),
            f"clerk_failed_{name}": len(failures),
            # The baseline: one clerk alone, on the same warm server, just before.
            f"clerk_save_alone_p50_ms_{name}": round(percentile(alone_saves, 0.5), 1),
            f"clerk_save_alone_max_ms_{name}": round(max(alone_saves), 1),
            # Where the time goes: in the server's workers, or waiting for a free one.
            f"clerk_server_save_p95_ms_{name}": round(percentile(server["POST"], 0.95), 1),
            f"clerk_server_open_p95_ms_{name}": round(percentile(server["GET"], 0.95), 1),
            f"clerk_requests_per_s_{name}": round(len(times) / window.seconds, 1),
            # CPU seconds a second, over the machine's cores: 1 = every core busy.
            f"clerk_server_cpu_share_{name}": common.rounded(
                window.server_cpu / window.seconds / (os.cpu_count() or 1), 2
            ),
            f"clerk_load_cpu_share_{name}": common.rounded(
                window.load_cpu / window.seconds / (os.cpu_count() or 1), 2
            ),
            f"clerk_server_cpu_ms_per_request_{name}": round(
                window.server_cpu * 1000 / max(1, len(times)), 1
            ),
        }
    )
    common.progress(
        f"clerks ({name}): {len(saves)} saves p50 {percentile(saves, 0.5):.0f} ms "
        f"p95 {percentile(saves, 0.95):.0f} ms, {len(opens)} opens "
        f"p95 {percentile(opens, 0.95):.0f} ms, {len(failures)} failed"
    )


def measure(figures: dict, work: Path, databases: list[str]) -> None:
    sqlite = common.database_copy(common.demo_database(), work)
    common.static_collect(common.bench_env(database=sqlite, media=work / "media-sqlite"))
    if "sqlite" in databases:
        measure_one(figures, "sqlite", sqlite, work)
    if "postgres" in databases:
        with postgres.database("clerks", template=postgres.demo_database()) as url:
            measure_one(figures, "postgres", url, work)
    figures["clerk_setup"] = (
        f"{CLERKS} clerks of {CLERKS} departments, each in its own session and thread, "
        f"{SECONDS:g} s after a warm-up round (each section once, not counted) and "
        f"{ALONE_SECONDS:g} s of one clerk alone (the _alone baseline), think time "
        f"{THINK_S[0]:g}–{THINK_S[1]:g} s (uniform, seed {SEED}) between requests; "
        f"each round: open a section, save it (部门概况 text or a “三公”经费 决算 amount), "
        f"follow the redirect; gunicorn {WORKERS} sync workers (gunicorn.conf.py's default, "
        f"2 a core), load generator on the same {os.cpu_count()} cores"
    )


def main() -> None:
    databases = sys.argv[1:] or list(DATABASES)
    if set(databases) - set(DATABASES):
        sys.exit(f"usage: python -m bench.clerks [{' '.join(DATABASES)}]")
    with common.figures_on_stdout() as figures, common.workdir("clerks") as work:
        measure(figures, work, databases)


if __name__ == "__main__":
    main()
