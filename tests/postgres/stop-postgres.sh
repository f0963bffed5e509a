#!/usr/bin/env bash
# Stops the throwaway cluster that start-postgres.sh started and deletes its folder. Idempotent: nothing to stop is fine.
set -euo pipefail

dir="${FHIRADAPTER_PG_DIR:-/tmp/fhiradapter-postgres}"
say() { echo "stop-postgres: $*" >&2; }

[[ -d "$dir" ]] || exit 0

bin=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  [[ -x "$candidate/pg_ctl" ]] && { bin="$candidate"; break; }
done
[[ -n "$bin" ]] || bin="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /usr/bin/pg_ctl)")"

if [[ "$(id -u)" -eq 0 ]]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

exec 9>"$dir/.lock"
flock 9

rm -f "$dir/connection-string"
if [[ -f "$dir/data/postmaster.pid" ]] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
  say "stopped"
fi

rm -rf "$dir"
