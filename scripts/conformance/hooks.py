"""Schemathesis hooks for scripts/conformance.sh (loaded through the generated schemathesis.toml).

They keep a long run from wrecking itself without taking a route out of the run:

* The logged-in user never edits, disables or resets itself: a request to
  `/api/v1/users/{id}…` whose id is the session's own user (GWC_CONFORMANCE_SELF_ID) is sent to a
  user id that does not exist instead, so it still gets an answer (404) that is checked.
* `POST /api/v1/backups` writes a full signed snapshot of the node (several MB) each time and manual
  backups are never pruned: after each one the oldest manual backups beyond KEEP_BACKUPS are removed
  from the data folder (GWC_CONFORMANCE_DATA_DIR), so `make soak` cannot fill the disk.
"""

import os
import pathlib

import schemathesis

SELF_ID = os.environ.get("GWC_CONFORMANCE_SELF_ID", "")
DATA_DIR = os.environ.get("GWC_CONFORMANCE_DATA_DIR", "")
KEEP_BACKUPS = 3
NOT_SELF = "conformance-not-self"


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if SELF_ID and path.startswith("/api/v1/users/{id}"):
        params = case.path_parameters or {}
        if str(params.get("id")) == SELF_ID:
            params["id"] = NOT_SELF


@schemathesis.hook
def after_call(context, case, response):
    if not DATA_DIR or case.operation.path != "/api/v1/backups" or case.method.upper() != "POST":
        return
    folder = pathlib.Path(DATA_DIR) / "backups"
    if not folder.is_dir():
        return
    manual = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.name.startswith("manual-")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in manual[:-KEEP_BACKUPS]:
        try:
            old.unlink()
        except OSError:
            pass
