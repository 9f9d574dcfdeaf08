#!/usr/bin/env bash
# Smoke test of one built executable, as a bureau would use it: --version, init, demo, serve,
# log in over HTTP, stop. Usage: scripts/smoke.sh BINARY [RUNNER ...]
# (RUNNER runs a foreign binary, e.g. qemu-aarch64 -L /usr/aarch64-linux-gnu).
set -euo pipefail
bin=$1
shift
runner=("$@")
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '  %s\n' "$*"; }
fail() { printf '  失败：%s\n' "$*" >&2; [ -f "$work/serve.log" ] && sed 's/^/    | /' "$work/serve.log" >&2; exit 1; }

version=$("${runner[@]}" "$bin" --version) || fail "--version"
say "--version: $version"
[[ $version == gongwucang\ * ]] || fail "unexpected --version output: $version"

"${runner[@]}" "$bin" init --data "$work/node" --kind local --region 210100 --name 沈阳市公物仓 \
  --admin-password Admin12345 >/dev/null || fail "init"
[ -f "$work/node/gongwucang.redb" ] && [ -f "$work/node/node.key" ] || fail "init wrote no database or key"
say "init: 节点已初始化"

"${runner[@]}" "$bin" demo --data "$work/demo" >/dev/null || fail "demo"
say "demo: 演示节点已生成"

RUST_LOG=warn GONGWUCANG_NO_BROWSER=1 "${runner[@]}" "$bin" serve --data "$work/demo" --listen 127.0.0.1:0 \
  >"$work/serve.log" 2>&1 &
pid=$!
url=
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "serve exited"
  sleep 0.1
done
[ -n "$url" ] || fail "serve printed no URL within 60 s"
say "serve: $url"

login=$(curl -sS --max-time 60 -c "$work/cookies" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"Demo2025admin"}' "${url}api/v1/login") || fail "login request"
[[ $login == *'"csrf_token"'* ]] || fail "login answered: $login"
me=$(curl -sS --max-time 60 -b "$work/cookies" "${url}api/v1/me") || fail "GET /me"
[[ $me == *'"username":"admin"'* ]] || fail "/me answered: $me"
page=$(curl -sS --max-time 60 "$url") || fail "GET /"
[[ $page == *'<div id="app">'* ]] || fail "the embedded web UI is missing"
say "login: admin 已登录，网页界面已内嵌"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] || fail "serve exited with $status after SIGTERM"
grep -q '公物仓已停止' "$work/serve.log" || fail "no clean stop message"
say "stop: 公物仓已停止"
