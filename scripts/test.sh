#!/usr/bin/env bash
# `make test`: the suite on SQLite and on PostgreSQL (side by side unless TEST_RUNS=sequential).
# Extra pytest arguments pass through: scripts/test.sh -k login
# The output ends with pytest's own summary line of each run; the exit code is non-zero if
# either run fails, or (with CI=true) if PostgreSQL cannot be reached.
set -uo pipefail

cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python
PG_URL="${POSTGRES_TEST_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
CI="${CI:-false}"

pg_error=""
pg_reachable() {
  # Keeps psycopg's own words in $pg_error, for the notice.
  pg_error=$("$PYTHON" - "$PG_URL" <<'PY' 2>&1
import sys
import psycopg
url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.Error as error:
    sys.exit(str(error).strip().splitlines()[0])
PY
  )
}

pg_start() {
  command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] || return 1
  echo "PostgreSQL is down; starting it"
  # shellcheck disable=SC2046
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start || return 1
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_reachable && return 0; sleep 1; done
  return 1
}

pg_status=run
pg_reason=""
if ! pg_reachable; then
  if [ "$CI" = "true" ]; then
    if ! pg_start; then
      echo "########################################################################" >&2
      echo "ERROR: PostgreSQL is not reachable at $PG_URL and could not be started:" >&2
      echo "  $pg_error" >&2
      echo "CI runs the suite on PostgreSQL too; it cannot pass without it." >&2
      echo "########################################################################" >&2
      exit 2
    fi
  else
    pg_status=skipped
    pg_reason="no connection to $PG_URL: $pg_error"
    pg_reason+=" (start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
    echo "NOTICE: the PostgreSQL run will be skipped: $pg_reason"
  fi
fi

color=()
[ -t 1 ] && color=(--color=yes)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

summary_line() {
  # pytest's last "=== ... in 1.23s ===" line, without colour codes.
  sed -e 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^=+ .* in [0-9.]+s.* =+$' | tail -n 1
}

# The two runs use separate databases, files and ports, so they run side by side (about half the
# wall time on two cores): SQLite's output streams live, PostgreSQL's is shown when it ends.
# TEST_RUNS=sequential runs one after the other, both live.
TEST_RUNS="${TEST_RUNS:-parallel}"

run_postgresql() {
  # The browser tests serve their own SQLite file whatever DATABASE_URL says: run them once.
  DATABASE_URL="$PG_URL" "$PYTHON" -m pytest "$@" -m "not browser" "${pytest_args[@]}"
}
pytest_args=("$@")

pg_rc=0
if [ "$pg_status" = run ] && [ "$TEST_RUNS" = parallel ]; then
  echo "=== pytest on PostgreSQL ($PG_URL): running alongside, its output follows SQLite's ==="
  run_postgresql >"$logs/postgresql" 2>&1 &
  pg_pid=$!
fi

echo "=== pytest on SQLite ==="
env -u DATABASE_URL "$PYTHON" -m pytest "${color[@]}" "$@" 2>&1 | tee "$logs/sqlite"
sqlite_rc=${PIPESTATUS[0]}

if [ "$pg_status" = run ]; then
  echo
  echo "=== pytest on PostgreSQL ($PG_URL) ==="
  if [ "$TEST_RUNS" = parallel ]; then
    wait "$pg_pid"
    pg_rc=$?
    cat "$logs/postgresql"
  else
    run_postgresql "${color[@]}" 2>&1 | tee "$logs/postgresql"
    pg_rc=${PIPESTATUS[0]}
  fi
  # 5 = nothing collected: the arguments chose only browser tests, which ran on SQLite.
  [ "$pg_rc" -eq 5 ] && pg_rc=0
fi

echo
echo "=== both runs ==="
if [ "$pg_status" = skipped ]; then
  echo "PostgreSQL run: SKIPPED, $pg_reason"
fi
echo "SQLite run (exit $sqlite_rc):"
summary_line "$logs/sqlite" || echo "(no pytest summary: pytest exited with $sqlite_rc)"
if [ "$pg_status" = run ]; then
  echo "PostgreSQL run (exit $pg_rc):"
  summary_line "$logs/postgresql" || echo "(no pytest summary: pytest exited with $pg_rc)"
fi

[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
