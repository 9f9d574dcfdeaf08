"""API conformance (issue 7, item 4): schemathesis against /api/v1/openapi.json, once per role.

Run by scripts/conformance.sh inside its venv; see that file for the usage. For each role this
copies one pristine demo node (made once with `gongwucang demo`) into its own folder, serves it on
127.0.0.1 (a fresh server per role, so one role's writes cannot disturb another's run), logs in
(changing the initial password where the node demands it), collects the ids the role can see
(cards, listings, ...) so that half of the generated path ids are real ones, writes a
schemathesis.toml and runs schemathesis with the checks below. Everything it leaves is under the
report folder: per role the console output (with a curl line for each failure), the NDJSON events,
JUnit XML, the generated config and the server's log.

The closing line `conformance: N operations, M examples, F failures` counts N distinct operations
tested (by any role), M test cases sent (all roles and phases), F unique failures summed over the
roles (one operation answering an undocumented 403 to three roles is three failures).

Exit status: 0 when every role ran and nothing failed; 1 otherwise.
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]

# Operations left out of every run, and why. Everything else in the OpenAPI document is tested for
# every role (a role that may not use a route must get a documented 401/403 from it).
EXCLUDED = {
    "POST /api/v1/logout": "ends the session the run is logged in with: every later request would be 401",
}
# Not excluded on purpose (safe as they are, see hooks.py):
#   POST /api/v1/password          needs the current password, which the generator cannot know
#   PATCH /api/v1/users/{id}, POST /api/v1/users/{id}/reset-password
#                                  hooks.py redirects requests aimed at the logged-in user itself
#   POST /api/v1/backups           hooks.py prunes the manual backups it writes (keeps 3)
#   POST /api/v1/login             tested anonymously and per role; failed logins only throttle
#                                  (429), and every role has its own server

# The accounts of the demo node (`gongwucang demo`, see 演示账户.txt in its folder). None: anonymous.
ROLES = [
    ("admin", "admin"),
    ("authority", "210100czj"),
    ("clerk", "210100004002jb"),
    ("reviewer", "210100004002"),
    ("anonymous", None),
]
NEW_PASSWORD = "Conformance2026"

# Path parameters bound to real ids: (path regex, {parameter: dictionary}).
BINDINGS = [
    (r"^/api/v1/cards/\{id\}", {"id": "cards", "hash": "photos"}),
    (r"^/api/v1/listings/\{id\}", {"id": "listings"}),
    (r"^/api/v1/demands/\{id\}", {"id": "demands"}),
    (r"^/api/v1/locations/\{id\}", {"id": "locations"}),
    (r"^/api/v1/units/\{id\}", {"id": "units"}),
    (r"^/api/v1/users/\{id\}", {"id": "users"}),
    (r"^/api/v1/interests/\{id\}", {"id": "interests"}),
    (r"^/api/v1/budget-checks/\{id\}", {"id": "budget_checks"}),
    (r"^/api/v1/stocktakes/\{id\}", {"id": "stocktakes", "card_id": "cards", "hash": "photos"}),
    (r"^/api/v1/watches/\{id\}", {"id": "watches"}),
    (r"^/api/v1/peers/\{id\}", {"id": "peers"}),
    (r"^/api/v1/photos/\{hash\}", {"hash": "photos"}),
    (r"^/api/v1/backups/\{name\}", {"name": "backups"}),
]
# Where each dictionary's ids come from (whatever the role may read; refusals are skipped).
SOURCES = {
    "cards": "/api/v1/cards?page_size=200",
    "listings": "/api/v1/listings?page_size=200",
    "demands": "/api/v1/demands?page_size=200",
    "locations": "/api/v1/locations",
    "units": "/api/v1/units?page_size=200",
    "users": "/api/v1/users?page_size=200",
    "interests": "/api/v1/interests",
    "budget_checks": "/api/v1/budget-checks",
    "stocktakes": "/api/v1/stocktakes",
    "watches": "/api/v1/watches",
    "peers": "/api/v1/peers",
    "backups": "/api/v1/backups",
}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def log(message):
    print(message, flush=True)


class Http:
    """A tiny JSON client for setting up a role (login, password, ids)."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = self.csrf
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, head, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, raw = error.code, error.headers, error.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return status, head, payload


class Server:
    """`gongwucang serve` on 127.0.0.1 with an OS-chosen port; the URL is read from its stdout."""

    def __init__(self, binary, data_dir, log_path):
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        env = dict(os.environ, GONGWUCANG_NO_BROWSER="1")
        self.process = subprocess.Popen(
            [binary, "serve", "--data", str(data_dir), "--listen", "127.0.0.1:0"],
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        self.url = self._wait_for_url()

    def _wait_for_url(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = pathlib.Path(self.log_path).read_text(encoding="utf-8", errors="replace")
            found = re.search(r"http://127\.0\.0\.1:\d+", text)
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited ({self.process.returncode}) before serving:\n{text}")
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not print its URL within 60 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


def demo_passwords(accounts_file):
    """(admin password, initial password) from 演示账户.txt, with the demo's defaults."""
    text = accounts_file.read_text(encoding="utf-8") if accounts_file.exists() else ""
    admin = re.search(r"admin\s*/\s*(\S+)", text)
    initial = re.search(r"初始密码\s*(\S+)", text) or re.search(r"210100czj\s*/\s*(\S+)", text)
    return (admin.group(1) if admin else "Demo2025admin", initial.group(1) if initial else "123qweQWE")


def log_in(http, username, passwords):
    admin_password, initial = passwords
    password = admin_password if username == "admin" else initial
    status, head, body = http.call("POST", "/api/v1/login", {"username": username, "password": password})
    if status != 200 or not body:
        raise RuntimeError(f"login {username}: {status} {body}")
    cookie = next((c for c in head.get_all("Set-Cookie") or [] if c.startswith("gwc_session=")), None)
    if not cookie:
        raise RuntimeError(f"login {username}: no gwc_session cookie")
    http.cookie = cookie.split(";")[0]
    http.csrf = body["csrf_token"]
    if body.get("must_change_password"):
        status, _, answer = http.call(
            "POST", "/api/v1/password", {"old_password": password, "new_password": NEW_PASSWORD}
        )
        if status != 204:
            raise RuntimeError(f"password change {username}: {status} {answer}")
    return body["user"]


def prepare(http, role):
    """Data the demo lacks that some routes need to get past 404: the clerk's unit gets a stocktake."""
    if role == "clerk":
        due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        http.call("POST", "/api/v1/stocktakes", {"title": "一致性测试", "scope": {"kind": "unit"}, "due_on": due})


def collect_ids(http, self_id):
    """{dictionary: [values]} of the ids this role can read; photo hashes found anywhere in the cards."""
    found = {}
    for name, path in SOURCES.items():
        status, _, body = http.call("GET", path)
        if status != 200 or body is None:
            continue
        values = []
        if name == "backups":
            walk_values(body, "name", values)
        else:
            walk_values(body, "id", values)
        if name == "cards":
            hashes = []
            walk_values(body, "hash", hashes)
            found["photos"] = sorted({h for h in hashes if HEX64.match(str(h))})
        if name == "users":
            values = [v for v in values if v != self_id]
        found[name] = sorted(set(map(str, values)))
    return {name: values[:200] for name, values in found.items() if values}


def walk_values(node, key, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, (str, int)):
                out.append(v)
            else:
                walk_values(v, key, out)
    elif isinstance(node, list):
        for item in node:
            walk_values(item, key, out)


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def write_config(path, hooks, headers, dictionaries, probability):
    lines = [
        "# Generated by scripts/conformance/run.py for one role; not meant to be edited.",
        f"hooks = {toml_value(str(hooks))}",
        "",
        "[auth]",
        "auto-signup = false",
        "",
        "[generation]",
        'database = "none"',
        "",
        "[headers]",
    ]
    lines += [f"{toml_value(k)} = {toml_value(v)}" for k, v in headers.items()]
    for name, values in dictionaries.items():
        lines += ["", f"[dictionaries.{name}]", f"values = {toml_value(values)}"]
    for regex, params in BINDINGS:
        bound = {p: d for p, d in params.items() if d in dictionaries}
        if not bound:
            continue
        inline = ", ".join(
            f'"path.{p}" = {{ dictionary = {toml_value(d)}, probability = {probability} }}' for p, d in bound.items()
        )
        lines += ["", "[[operations]]", f"include-path-regex = {toml_value(regex)}", f"parameters = {{ {inline} }}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def summarise(ndjson):
    """(operations, examples, failures) from schemathesis' NDJSON events; failures are
    [(operation, title, detail)] unique per role."""
    operations, examples, failures = set(), 0, {}
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if "NonFatalError" in event:
            error = event["NonFatalError"]
            label = error.get("label", "?")
            info = error.get("info") or error.get("value") or {}
            text = json.dumps(info, ensure_ascii=False)[:300]
            failures[(label, "error", text)] = (label, "Error", text)
            continue
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label", "?")
        if finished.get("phase") in ("examples", "coverage", "fuzzing") and finished.get("status") != "skip":
            operations.add(label)
        examples += len(recorder.get("cases") or {})
        for results in (recorder.get("checks") or {}).values():
            for result in results:
                if result.get("status") != "failure":
                    continue
                failure = (result.get("failure_info") or {}).get("failure") or {}
                operation = failure.get("operation") or label
                title = f"{failure.get('code', '')} {failure.get('title', result.get('name'))}".strip()
                detail = " / ".join(l.strip() for l in str(failure.get("message", "")).splitlines() if l.strip())
                failures[(operation, title, detail)] = (operation, title, detail)
    return operations, examples, sorted(failures.values())


def run_role(args, role, username, pristine, workdir, reports, passwords):
    data = workdir / role / "data"
    shutil.copytree(pristine, data)
    server = Server(args.bin, data, reports / f"{role}-server.log")
    started = time.monotonic()
    try:
        http = Http(server.url)
        headers, env = {}, dict(os.environ)
        env["GWC_CONFORMANCE_DATA_DIR"] = str(data)
        dictionaries = {}
        if username:
            user = log_in(http, username, passwords)
            prepare(http, role)
            env["GWC_CONFORMANCE_SELF_ID"] = user["id"]
            headers = {"Cookie": http.cookie, "X-CSRF-Token": http.csrf}
            dictionaries = collect_ids(http, user["id"])
        config = reports / f"{role}-schemathesis.toml"
        write_config(config, pathlib.Path(__file__).with_name("hooks.py"), headers, dictionaries, 0.5)
        ndjson = workdir / role / "events.ndjson"  # tens of MB: read for the summary, then dropped
        command = [
            str(pathlib.Path(sys.executable).with_name("schemathesis")),
            "--config-file", str(config),
            "run", f"{server.url}/api/v1/openapi.json",
            "--max-examples", str(args.examples),
            "--seed", str(args.seed),
            "--workers", "1",
            "--checks", ",".join(CHECKS),
            "--continue-on-failure",
            "--suppress-health-check", "all",
            "--request-timeout", "60",
            "--report", "ndjson,junit",
            "--report-ndjson-path", str(ndjson),
            "--report-junit-path", str(reports / f"{role}-junit.xml"),
            "--no-color",
        ]
        for name in EXCLUDED:
            command += ["--exclude-name", name]
        with open(reports / f"{role}.txt", "wb") as out:
            try:
                code = subprocess.run(
                    command, cwd=workdir / role, env=env, stdout=out, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, timeout=args.role_timeout,
                ).returncode
            except subprocess.TimeoutExpired:
                code = "timeout"
        operations, examples, failures = summarise(ndjson) if ndjson.exists() else (set(), 0, [])
        problem = None
        if code == "timeout":
            problem = f"schemathesis did not finish within {args.role_timeout} s"
        elif code not in (0, 1) or (code == 1 and not failures) or not operations:
            problem = f"schemathesis exited {code} having tested {len(operations)} operations (see {role}.txt)"
        return operations, examples, failures, problem, time.monotonic() - started
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", required=True)
    parser.add_argument("--roles", default=",".join(r for r, _ in ROLES))
    parser.add_argument("--role-timeout", type=int, default=600)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.sep in args.bin:
        args.bin = str(pathlib.Path(args.bin).resolve())

    wanted = args.roles.split(",")
    unknown = set(wanted) - {r for r, _ in ROLES}
    if unknown:
        log(f"conformance: unknown roles {sorted(unknown)}; known: {', '.join(r for r, _ in ROLES)}")
        return 1
    reports = pathlib.Path(args.reports).resolve()
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="gwc-conformance-"))
    try:
        pristine = workdir / "pristine"
        made = subprocess.run([args.bin, "demo", "--data", str(pristine)], capture_output=True, text=True)
        if made.returncode != 0:
            log(f"conformance: `{args.bin} demo` failed:\n{made.stdout}{made.stderr}")
            return 1
        passwords = demo_passwords(pristine / "演示账户.txt")
        log(f"conformance: schemathesis, {args.examples} examples per operation, seed {args.seed}; "
            f"excluded: {', '.join(EXCLUDED)}; reports in {reports}")
        all_operations, total_examples, total_failures, problems = set(), 0, 0, []
        for role, username in ROLES:
            if role not in wanted:
                continue
            try:
                operations, examples, failures, problem, seconds = run_role(
                    args, role, username, pristine, workdir, reports, passwords
                )
            except Exception as error:  # set-up failed: counts as a failure of the run
                problems.append(f"{role}: {error}")
                log(f"conformance[{role}]: set-up failed: {error}")
                continue
            all_operations |= operations
            total_examples += examples
            total_failures += len(failures)
            log(f"conformance[{role}]: {len(operations)} operations, {examples} examples, "
                f"{len(failures)} failures ({seconds:.0f} s; {reports / (role + '.txt')})")
            for operation, title, detail in failures:
                log(f"  {operation}: {title}: {detail[:240]}")
            if problem:
                problems.append(f"{role}: {problem}")
                log(f"conformance[{role}]: {problem}")
        for problem in problems:
            log(f"conformance: problem: {problem}")
        log(f"conformance: {len(all_operations)} operations, {total_examples} examples, {total_failures} failures")
        return 1 if total_failures or problems else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
