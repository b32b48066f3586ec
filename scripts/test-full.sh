#!/usr/bin/env bash
# The full test command (`npm run test:full`, and what `.ci/run` calls).
#
# On a fresh Debian/Ubuntu machine it:
#   1. installs the system packages the tests need (as root; otherwise it tells you what to install),
#   2. runs `npm ci`,
#   3. starts its own PostgreSQL and Redis on loopback, on ports nobody else uses,
#   4. runs lint, the type check and every test, with TEST_REQUIRE_SERVICES=1 so that a suite
#      needing a service fails instead of skipping,
#   5. stops what it started and removes its temporary files, whatever happens (failure, Ctrl-C).
# The last line it prints is `tests: N passed, M failed[, K skipped]`.
#
# Usage: bash scripts/test-full.sh [--no-install] [--no-lint] [--no-typecheck] [-- <vitest args>]
#   --no-install    skip `npm ci` (for local reruns; CI never passes it)
#   --no-lint       skip `npm run lint`        (local use only)
#   --no-typecheck  skip `npm run typecheck`   (local use only)
#   -- ARGS         extra arguments for `vitest run`, e.g. `-- packages/server/src/db`
#
# Environment:
#   TEST_PG_PORT     PostgreSQL port (default 55432). If set and the port is busy: fail.
#   TEST_REDIS_PORT  Redis port (default 56379).      If set and the port is busy: fail.
# When a port is not set explicitly and the default is busy (another run, a stale server),
# the next free port above it is used and printed.
set -euo pipefail

# System packages the tests need (Debian names). Add new ones here, e.g.
# sip-tester baresip espeak-ng sox chromium; give them a probe in package_present() if
# "the package is installed according to dpkg" is not the right check.
SYSTEM_PACKAGES=(postgresql redis-server espeak-ng sox)

DEFAULT_PG_PORT=55432
DEFAULT_REDIS_PORT=56379

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# ---------------------------------------------------------------------------------------------
# helpers

section() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

# Stop services, then print the reason as the last line and exit non-zero.
die() {
  stop_services
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

# ---------------------------------------------------------------------------------------------
# arguments

RUN_INSTALL=1
RUN_LINT=1
RUN_TYPECHECK=1
VITEST_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-install) RUN_INSTALL=0 ;;
    --no-lint) RUN_LINT=0 ;;
    --no-typecheck) RUN_TYPECHECK=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      VITEST_ARGS=("$@")
      break
      ;;
    *)
      printf 'test-full.sh: unknown argument %q (see --help)\n' "$1" >&2
      exit 2
      ;;
  esac
  shift
done

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------------------------------------
# state for cleanup (set before the trap so that cleanup never sees unset variables)

WORK_DIR=""
PG_BIN=""
PG_DATA=""
PG_PORT=""
REDIS_PORT=""
REDIS_PIDFILE=""

# Run a command as the PostgreSQL user when we are root (initdb refuses to run as root),
# from a directory that user can read.
as_pg_user() {
  if [[ "$IS_ROOT" -eq 1 ]]; then
    (cd "$WORK_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$WORK_DIR" && "$@")
  fi
}

# Idempotent: stops whatever is still running and says so; silent when nothing is.
stop_services() {
  if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
    section "stopping PostgreSQL (port $PG_PORT)"
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      warn "pg_ctl stop failed; PostgreSQL may still be running (data dir $PG_DATA)"
  fi
  if [[ -n "$REDIS_PIDFILE" && -f "$REDIS_PIDFILE" ]]; then
    local pid
    pid="$(cat "$REDIS_PIDFILE" 2>/dev/null || true)"
    section "stopping Redis (port $REDIS_PORT)"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    if [[ -n "$pid" ]]; then
      local i
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        warn "redis-server (pid $pid) did not shut down; sending SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$REDIS_PIDFILE"
  fi
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  set +e
  stop_services
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    rm -rf "$WORK_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# 1. system packages

# Succeeds when what the package provides is usable here.
package_present() {
  case "$1" in
    postgresql)
      compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null
      ;;
    redis-server) command -v redis-server >/dev/null && command -v redis-cli >/dev/null ;;
    sip-tester) command -v sipp >/dev/null ;;
    *) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' ;;
  esac
}

section "checking system packages: ${SYSTEM_PACKAGES[*]}"
MISSING_PACKAGES=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  package_present "$pkg" || MISSING_PACKAGES+=("$pkg")
done

if [[ ${#MISSING_PACKAGES[@]} -eq 0 ]]; then
  info "all present, skipping apt-get"
elif [[ "$IS_ROOT" -eq 1 ]]; then
  command -v apt-get >/dev/null || die "missing ${MISSING_PACKAGES[*]} and apt-get is not available on this machine"
  section "installing system packages with apt-get: ${SYSTEM_PACKAGES[*]}"
  apt-get update -q </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${SYSTEM_PACKAGES[@]}" </dev/null
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    package_present "$pkg" || die "apt-get installed $pkg but it still cannot be found"
  done
else
  printf '\nThe tests need these system packages, which are missing: %s\n' "${MISSING_PACKAGES[*]}" >&2
  printf 'Install them (or run this script as root, which installs them itself):\n\n' >&2
  printf '    sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' "${SYSTEM_PACKAGES[*]}" >&2
  printf 'FAILED: missing system packages: %s\n' "${MISSING_PACKAGES[*]}" >&2
  exit 1
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" -lt 20 ]]; then
  die "Node.js 20 or newer is needed, this is $(node --version)"
fi

# ---------------------------------------------------------------------------------------------
# 2. npm dependencies

if [[ "$RUN_INSTALL" -eq 1 ]]; then
  section "installing npm dependencies (npm ci)"
  npm ci </dev/null || die "npm ci failed"
else
  section "skipping npm ci (--no-install)"
fi

# ---------------------------------------------------------------------------------------------
# 3. services

# Under /tmp, not $TMPDIR: the postgres user must be able to reach it, and PostgreSQL's socket
# path has to stay short.
WORK_DIR="$(mktemp -d /tmp/callingscout-test.XXXXXX)"
if [[ "$IS_ROOT" -eq 1 ]]; then
  id -u postgres >/dev/null 2>&1 ||
    die "user 'postgres' does not exist (it comes with Debian's postgresql package); PostgreSQL cannot run as root"
  chown postgres: "$WORK_DIR"
fi

# Succeeds when nothing listens on 127.0.0.1:$1 (we can bind it).
port_free() {
  node -e '
    const server = require("node:net").createServer();
    server.once("error", () => process.exit(1));
    server.listen(Number(process.argv[1]), "127.0.0.1", () => server.close(() => process.exit(0)));
  ' "$1"
}

# pick_port <what> <env var name> <default>: prints the port to use.
pick_port() {
  local what="$1" var="$2" default="$3" port
  if [[ -n "${!var:-}" ]]; then
    port="${!var}"
    [[ "$port" =~ ^[0-9]+$ ]] || die "$var=$port is not a port number"
    port_free "$port" || die "$what: port $port (from $var) is already in use on 127.0.0.1; pick another with $var=..."
    printf '%s\n' "$port"
    return
  fi
  for ((port = default; port < default + 20; port++)); do
    if port_free "$port"; then
      [[ "$port" -ne "$default" ]] && warn "$what: default port $default is in use; using $port instead"
      printf '%s\n' "$port"
      return
    fi
  done
  die "$what: ports $default-$((default + 19)) are all in use on 127.0.0.1; set $var to a free port"
}

section "choosing ports on 127.0.0.1"
PG_PORT="$(pick_port PostgreSQL TEST_PG_PORT "$DEFAULT_PG_PORT")"
REDIS_PORT="$(pick_port Redis TEST_REDIS_PORT "$DEFAULT_REDIS_PORT")"
info "PostgreSQL $PG_PORT, Redis $REDIS_PORT"

# PostgreSQL: the newest Debian cluster binaries, else whatever initdb is on PATH.
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  PG_BIN="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin | sort -V | tail -n 1)"
else
  PG_BIN="$(dirname "$(command -v initdb)")"
fi
section "starting PostgreSQL on 127.0.0.1:$PG_PORT ($("$PG_BIN/postgres" --version))"
PG_DATA="$WORK_DIR/pgdata"
as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale >"$WORK_DIR/initdb.log" 2>&1 || {
  cat "$WORK_DIR/initdb.log" >&2
  die "initdb failed (output above)"
}
if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK_DIR/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$WORK_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null; then
  tail -n 30 "$WORK_DIR/postgres.log" >&2 || true
  die "PostgreSQL did not start (last lines of its log above)"
fi
info "data directory $PG_DATA, log $WORK_DIR/postgres.log"

section "starting Redis on 127.0.0.1:$REDIS_PORT ($(redis-server --version | cut -d' ' -f1-3))"
REDIS_PIDFILE="$WORK_DIR/redis.pid"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$REDIS_PIDFILE" \
  --dir "$WORK_DIR" --logfile "$WORK_DIR/redis.log" --save '' --appendonly no ||
  die "redis-server did not start"
redis_ready=0
for ((i = 0; i < 100; i++)); do
  if [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; then
    redis_ready=1
    break
  fi
  sleep 0.1
done
if [[ "$redis_ready" -ne 1 ]]; then
  tail -n 30 "$WORK_DIR/redis.log" >&2 || true
  die "Redis did not answer PING within 10 s (last lines of its log above)"
fi

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export TEST_REQUIRE_SERVICES=1
info "TEST_DATABASE_URL=$TEST_DATABASE_URL"
info "TEST_REDIS_URL=$TEST_REDIS_URL"
info "TEST_REQUIRE_SERVICES=$TEST_REQUIRE_SERVICES"

# ---------------------------------------------------------------------------------------------
# 4. lint, type check, tests

if [[ "$RUN_LINT" -eq 1 ]]; then
  section "lint (npm run lint)"
  npm run lint </dev/null || die "lint failed (npm run lint); tests were not run"
else
  section "skipping lint (--no-lint)"
fi

if [[ "$RUN_TYPECHECK" -eq 1 ]]; then
  section "type check (npm run typecheck)"
  npm run typecheck </dev/null || die "type check failed (npm run typecheck); tests were not run"
else
  section "skipping type check (--no-typecheck)"
fi

section "tests (vitest run)"
REPORT="$WORK_DIR/vitest.json"
vitest_rc=0
npx vitest run --reporter=default --reporter=json --outputFile="$REPORT" "${VITEST_ARGS[@]}" </dev/null ||
  vitest_rc=$?

# Ctrl-C: vitest exits 130 by itself, and bash then does not run its INT trap.
if [[ "$vitest_rc" -eq 130 ]]; then
  warn "interrupted"
  exit 130
fi

# Keep a copy of the report for whoever wants to look at it afterwards (it is in .gitignore).
if [[ -f "$REPORT" ]]; then
  cp "$REPORT" "$REPO_ROOT/.vitest-results.json" 2>/dev/null || warn "could not copy the JSON report to .vitest-results.json"
fi

stop_services

# ---------------------------------------------------------------------------------------------
# 5. summary: the last line is `tests: N passed, M failed[, K skipped]`

summary_rc=0
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const [reportPath, root, vitestRc] = process.argv.slice(1);
  const problems = [];
  let r = null;
  try {
    r = JSON.parse(fs.readFileSync(reportPath, "utf8"));
  } catch (err) {
    problems.push(`vitest wrote no usable JSON report (${err.code ?? err.message})`);
  }
  const passed = r?.numPassedTests ?? 0;
  const failed = r?.numFailedTests ?? 0;
  const skipped = (r?.numPendingTests ?? 0) + (r?.numTodoTests ?? 0);
  if (Number(vitestRc) !== 0) {
    const badFiles = (r?.testResults ?? []).filter((f) => f.status === "failed").map((f) => path.relative(root, f.name));
    problems.push(`vitest exited with status ${vitestRc}` + (badFiles.length ? `; files with failures: ${badFiles.join(", ")}` : ""));
  }
  if (r && passed === 0) problems.push("no test passed (a run that executes no test is a failure)");
  if (skipped > 0 && process.env.TEST_REQUIRE_SERVICES === "1") {
    const files = (r?.testResults ?? [])
      .filter((f) => f.assertionResults.some((t) => ["skipped", "pending", "todo"].includes(t.status)))
      .map((f) => path.relative(root, f.name));
    problems.push(`${skipped} test(s) skipped although TEST_REQUIRE_SERVICES=1, in: ${files.join(", ")}`);
  }
  for (const p of problems) console.error(`FAILED: ${p}`);
  console.log(`tests: ${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ""));
  process.exit(problems.length > 0 ? 1 : 0);
' "$REPORT" "$REPO_ROOT" "$vitest_rc" || summary_rc=$?

exit "$summary_rc"
