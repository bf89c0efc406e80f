#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at PostgreSQL, if one answers.
# PG_URL overrides the default; REQUIRE_POSTGRES=1 turns "not reachable" into a failure.
set -euo pipefail
url="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if .venv/bin/python - "$url" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "== running on PostgreSQL ($url)"
  DATABASE_URL="$url" exec "$@"
elif [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable." >&2
  exit 1
else
  echo "SKIPPED: the PostgreSQL run of the suite (no server at $url; set PG_URL to use another)." >&2
fi
