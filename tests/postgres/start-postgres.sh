#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the store's tests and prints its connection string.
#
#   tests/postgres/start-postgres.sh            # prints e.g. Host=127.0.0.1;Port=54873;Database=fhiradapter_test;Username=postgres
#   export FHIRADAPTER_TEST_POSTGRES="$(tests/postgres/start-postgres.sh)"
#   tests/postgres/stop-postgres.sh             # stops it and deletes its folder
#
# Idempotent: if the cluster in the state folder already runs, it prints the same connection string again.
# The cluster lives in FHIRADAPTER_PG_DIR (default: /tmp/fhiradapter-postgres), listens on 127.0.0.1 only, on a
# free port, with trust authentication (a throwaway test server: never point it at real data) and small settings
# (shared_buffers 32MB), because several builds share two cores. Debian's server refuses to run as root, so as
# root it runs as the postgres user. Missing binaries are installed with apt-get when running as root.
# Only the connection string goes to stdout; everything else goes to stderr. It is also written to
# $FHIRADAPTER_PG_DIR/connection-string.
set -euo pipefail

dir="${FHIRADAPTER_PG_DIR:-/tmp/fhiradapter-postgres}"
database="fhiradapter_test"
say() { echo "start-postgres: $*" >&2; }

find_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$candidate/pg_ctl" && -x "$candidate/initdb" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

if ! bin="$(find_bin)"; then
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL server binaries not found; install them (Debian: apt-get install -y postgresql-15) and retry"
    exit 2
  fi
  say "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql-15 >&2 || apt-get install -y postgresql >&2
  bin="$(find_bin)" || { say "PostgreSQL server binaries still not found after installing"; exit 2; }
fi

# As root, every server command runs as the postgres user (the package creates it).
if [[ "$(id -u)" -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  as_pg() { runuser -u postgres -- "$@"; }
  owner="postgres"
else
  as_pg() { "$@"; }
  owner="$(id -un)"
fi

mkdir -p "$dir"
chown "$owner" "$dir"
chmod 700 "$dir"

# One caller at a time (two test processes may start it at once).
exec 9>"$dir/.lock"
flock 9

data="$dir/data"
cs_file="$dir/connection-string"

running() { [[ -f "$data/postmaster.pid" ]] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if running && [[ -s "$cs_file" ]]; then
  cat "$cs_file"
  exit 0
fi

if [[ ! -f "$data/PG_VERSION" ]]; then
  say "creating a cluster in $data"
  rm -rf "$data"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$data/postgresql.conf" <<CONF
# fhiradapter test cluster: small and fast; durability does not matter for throwaway data.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_buffers = 32MB
work_mem = 4MB
maintenance_work_mem = 16MB
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 256MB
log_min_messages = warning
CONF
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
  port_free "$port" || continue
  # 9>&-: the server must not inherit the lock, or the next caller would wait for it forever.
  if as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "-p $port" start >&2 9>&-; then
    started="yes"
    break
  fi
  say "start on port $port failed (attempt $attempt); trying another"
done
[[ -n "$started" ]] || { say "could not start PostgreSQL; see $dir/server.log"; tail -n 20 "$dir/server.log" >&2 || true; exit 1; }

psql=("$bin/psql")
[[ -x "${psql[0]}" ]] || psql=(psql)
if [[ "$(as_pg "${psql[@]}" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]]; then
  as_pg "${psql[@]}" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE $database" >&2
fi

echo "Host=127.0.0.1;Port=$port;Database=$database;Username=postgres" >"$cs_file"
chmod 644 "$cs_file"
say "PostgreSQL is running on 127.0.0.1:$port (data in $data)"
cat "$cs_file"
