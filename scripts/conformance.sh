#!/usr/bin/env bash
# API conformance (issue 7, item 4): schemathesis against /api/v1/openapi.json of a demo node, with
# a logged-in session for each role (admin, authority 210100czj, clerk 210100004002jb, reviewer
# 210100004002) and anonymously. Checks: no 5xx, every status code documented, the body matches the
# documented schema (error bodies included), the content type and headers are the documented ones.
#
#   scripts/conformance.sh [EXAMPLES]     EXAMPLES per operation and phase: default 5 (make test);
#                                         make soak passes a larger number
#
# Environment:
#   GWC_BIN                    the binary to test (default target/debug/gongwucang, built with
#                              `cargo build` only when it is missing)
#   CONFORMANCE_SEED           schemathesis' seed (default 1): the same seed and binary generate
#                              the same requests
#   CONFORMANCE_ROLES          comma-separated subset of admin,authority,clerk,reviewer,anonymous
#   CONFORMANCE_ROLE_TIMEOUT   seconds one role may take before the run fails (default 600)
#   CONFORMANCE_REPORTS        where the reports go (default target/conformance)
#
# Needs python3 with venv; installs the pinned schemathesis (scripts/conformance/requirements.txt)
# into target/conformance-venv once. Talks only to the servers it starts on 127.0.0.1.
# Prints one line per role and `conformance: N operations, M examples, F failures`; exits 1 on any
# failure. Per role, target/conformance/ keeps ROLE.txt (schemathesis' report with a curl line for
# every failure), ROLE-junit.xml, ROLE-schemathesis.toml and ROLE-server.log.
set -euo pipefail

cd "$(dirname "$0")/.."
EXAMPLES="${1:-5}"
VENV=target/conformance-venv
REQUIREMENTS=scripts/conformance/requirements.txt

if ! command -v python3 >/dev/null; then
    echo "conformance: python3 is needed (Debian: apt-get install python3 python3-venv)" >&2
    exit 1
fi

# The venv: made once, reinstalled only when requirements.txt changes.
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ] || ! [ -x "$VENV/bin/schemathesis" ]; then
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv "$VENV"
        else
            echo "conformance: \`python3 -m venv\` fails; install python3-venv (apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
    echo "$want" >"$VENV/.requirements.sha256"
fi

BIN="${GWC_BIN:-target/debug/gongwucang}"
if [ ! -x "$BIN" ]; then
    if [ -n "${GWC_BIN:-}" ]; then
        echo "conformance: GWC_BIN=$GWC_BIN is not an executable" >&2
        exit 1
    fi
    # The binary embeds web/dist.
    [ -f web/dist/index.html ] || make web
    cargo build
fi

# exec: SIGINT/SIGTERM reach the runner itself, which stops its servers and removes its temporary
# folder on the way out.
exec "$VENV/bin/python" scripts/conformance/run.py \
    --bin "$BIN" \
    --examples "$EXAMPLES" \
    --seed "${CONFORMANCE_SEED:-1}" \
    --roles "${CONFORMANCE_ROLES:-admin,authority,clerk,reviewer,anonymous}" \
    --role-timeout "${CONFORMANCE_ROLE_TIMEOUT:-600}" \
    --reports "${CONFORMANCE_REPORTS:-target/conformance}"
