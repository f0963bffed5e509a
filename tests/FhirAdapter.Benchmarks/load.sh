#!/usr/bin/env bash
# End-to-end load run (docs/PERFORMANCE.md): N generated patients through the real worker.
#
#   tests/FhirAdapter.Benchmarks/load.sh [PATIENTS] [SEED]        (run from anywhere; default 1000 patients, seed 7)
#
# Steps (STEPS, default "sync map validate pipeline"):
#   sync      sync --once with a fresh SQLite store, delivering to the real FHIR server of tests/FhirServer on
#             127.0.0.1:$PORT (DEST=0: no destination, i.e. read + map + validate + store only)
#   map       map --input --output (read + map + serialize + write, no store, no validation)
#   validate  validate --input (read + map + validate every resource; --format json to a file)
#   pipeline  the benchmark program's in-process stage split: read / map / validate / serialize
#   incremental  the steady state: sync --once without the inbox's last file (a fresh store of its own, no
#             destination), then that file arrives and a second sync --once maps only the patients it touches, keeping
#             the validation of every resource that maps as before (its report line "Mapped: ... unchanged")
#   backfill  (after sync with DEST=0) the delivery rate: the mapped store copied, a destination added (the real FHIR
#             server of tests/FhirServer on 127.0.0.1:$PORT) and synced, so every permitted patient is backfilled; then
#             what the server holds is dumped, the server reset, and the same resources fed to it directly by
#             `FhirAdapter.Benchmarks feed` in conditional transactions of 10 entries at the same concurrency
#             (CONCURRENCY, default 4): the adapter's rate as a share of the server's own
#   export    (after sync) the worker as a service on the synced store, one API client of organization pbpca, a
#             Bulk Data Patient/$export kicked off, polled to the end and every file downloaded (peak RSS = the
#             service's, from start to stop)
#   start     (after sync) the service started on the synced store twice, as built (the same validation fingerprint)
#             and with Adapter:Validation:ReportUncheckedCodes=true (a new fingerprint: every patient is marked to be
#             validated again), each time on a copy of the store dropped from the page cache (a cold start): when
#             /health/ready first answers and says ready, and, beside it, when SQLite's write lock could not be taken
#             (BUSY_TIMEOUT, default the service's 00:00:30: a shorter one makes a small store show what a large one does)
# START_DATE (default 2025-06-02, the generator's) sets the day of the first intake: disclosure consents run for about
# a year from signing, so a recent date (e.g. START_DATE=$(date -d '-120 days' +%F)) makes a clinic whose consents are
# in force now, and the sync and the export carry the share of patients a real clinic discloses; PER_DAY (default 12)
# new patients per clinic day keeps a large clinic within those months (10,000 patients at 120 a day: 14 weeks).
# Each worker command runs the Release build directly under /usr/bin/time -v (peak memory = max RSS).
# Bounded: every step has a time limit (STEP_TIMEOUT seconds, default 1800) and the server is stopped on exit.
# Everything goes to $WORK (default /tmp/fhiradapter-load-N); only 127.0.0.1 is contacted.
set -euo pipefail

PATIENTS=${1:-1000}
SEED=${2:-7}
PORT=${PORT:-18090}
DEST=${DEST:-1}
STEPS=${STEPS:-sync map validate pipeline}
STEP_TIMEOUT=${STEP_TIMEOUT:-1800}
START_DATE=${START_DATE:-2025-06-02}
PER_DAY=${PER_DAY:-12}
CONCURRENCY=${CONCURRENCY:-4}
API_PORT=${API_PORT:-18091}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-/tmp/fhiradapter-load-$PATIENTS}
WORKER_DLL=$ROOT/src/FhirAdapter.Worker/bin/Release/net10.0/FhirAdapter.Worker.dll
BENCH=$ROOT/tests/FhirAdapter.Benchmarks/bin/Release/net10.0/FhirAdapter.Benchmarks

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
cd "$ROOT"

if [[ ${NO_BUILD:-0} != 1 ]]; then
  dotnet build src/FhirAdapter.Worker -c Release --nologo -v q >/dev/null
  dotnet build tests/FhirAdapter.Benchmarks -c Release --nologo -v q >/dev/null
fi

rm -rf "$WORK"
mkdir -p "$WORK"
SERVER_PID=
SERVICE_PID=
# The service runs under /usr/bin/time, which reports only when its child ends: stop the child (dotnet) itself.
stop_service() { pkill -TERM -P "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=; }
cleanup() {
  if [[ -n $SERVER_PID ]]; then exec 3>&- || true; kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n $SERVICE_PID ]]; then stop_service; fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) load run: $PATIENTS patients, seed $SEED, start $START_DATE, $PER_DAY a day, $(nproc) cores; uptime:$(uptime | sed 's/.*load average/ load average/')"
timeout "$STEP_TIMEOUT" dotnet "$WORKER_DLL" generate --patients "$PATIENTS" --seed "$SEED" --start-date "$START_DATE" --patients-per-day "$PER_DAY" --output "$WORK/inbox" >"$WORK/generate.out"
echo "generated: $(du -sh "$WORK/inbox" | cut -f1) in $(ls "$WORK/inbox" | wc -l) files"

# "Maximum resident set size (kbytes): N" -> MB; "Elapsed (wall clock) time": as printed.
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f s CPU", u+s}' "$1"; }

# The sync report's lines (a sync's stdout also carries progress lines when it is not a terminal).
report() { grep -E '^(Sync finished in|Read:|Mapped:|Sent:|Waiting:|Withheld:|Rejected:)' "$1" || true; }
# Sets args to sync --once on the inbox with a SQLite store at $1 (a fresh file is a fresh store).
# The generator's files are complete when it exits: no settle time to wait (Adapter:InboxCompleteWhen, docs/inbox.md).
sync_args() { args=(sync --once "--Adapter:Inbox=$WORK/inbox" "--Adapter:Store:ConnectionString=Data Source=$1" "--Adapter:Validation:ProfilesPath=$ROOT/profiles" --Adapter:InboxCompleteWhen=Renamed); }

# The real FHIR server of tests/FhirServer on 127.0.0.1:$PORT (stopped by cleanup). It exits when its stdin ends (so a
# test fixture's server never outlives it): hold a FIFO open.
start_server() {
  [[ -d tests/FhirServer/node_modules ]] || npm ci --prefix tests/FhirServer --silent
  rm -f "$WORK/server.stdin"
  mkfifo "$WORK/server.stdin"
  PORT=$PORT node tests/FhirServer/server.mjs <"$WORK/server.stdin" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  exec 3>"$WORK/server.stdin"
  for _ in $(seq 120); do grep -q "listening" "$WORK/server.log" && break; sleep 0.5; done
  grep -q "listening" "$WORK/server.log" || { echo "FHIR server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
}

run_timed() { # name, then the worker arguments
  local name=$1; shift
  local rc=0
  timeout "$STEP_TIMEOUT" /usr/bin/time -v -o "$WORK/$name.time" dotnet "$WORKER_DLL" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo "-- $name: exit $rc, wall $(wall "$WORK/$name.time"), $(cpu "$WORK/$name.time"), peak RSS $(rss "$WORK/$name.time")"
}

for step in $STEPS; do
  case $step in
    sync)
      sync_args "$WORK/store.db"
      if [[ $DEST == 1 ]]; then
        start_server
        args+=(--Adapter:Destinations:0:Name=ehr --Adapter:Destinations:0:OrganizationId=pbpca
          "--Adapter:Destinations:0:BaseUrl=http://127.0.0.1:$PORT" --Adapter:Destinations:0:BackoffBase=00:00:00.200)
      fi
      run_timed sync "${args[@]}"
      if [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "!! the FHIR server exited during the sync (see $WORK/server.log): delivery figures are not valid"
      fi
      report "$WORK/sync.out"
      secs=$(awk '/^Sync finished in/ {print $4}' "$WORK/sync.out")
      records=$(awk '/^Read:/ {print $2}' "$WORK/sync.out")
      sent=$(awk '/^Sent:/ {print $2}' "$WORK/sync.out")
      if [[ -n $secs && -n $records ]]; then
        awk -v s="$secs" -v r="$records" -v n="${sent:-0}" 'BEGIN {printf "sync: %.0f records/s, %.0f resources sent/s\n", r/s, n/s}'
      fi
      # The time split by stage, from the store's own timestamps: files processed, patients mapped (map + validate +
      # store, patient by patient), then delivery until the run finished.
      python3 - "$WORK/store.db" <<'PY' || true
import sqlite3, sys
from datetime import datetime
c = sqlite3.connect(sys.argv[1])
t = lambda s: datetime.fromisoformat(s[:26].rstrip('Z'))
start, end = c.execute("select started_at, finished_at from sync_run order by id desc").fetchone()
read_end = c.execute("select max(processed_at) from inbox_file").fetchone()[0]
map_end = c.execute("select max(mapped_at) from patient").fetchone()[0] or read_end
total = (t(end) - t(start)).total_seconds()
for name, a, b in (("read + store records", start, read_end), ("map + validate + store", read_end, map_end), ("deliver", map_end, end)):
    d = (t(b) - t(a)).total_seconds()
    print(f"stage {name:24} {d:8.1f} s  {100 * d / total:5.1f}%")
PY
      cleanup; SERVER_PID=
      ;;
    map)
      run_timed map map --input "$WORK/inbox" --output "$WORK/out"
      sed -n 1,2p "$WORK/map.out"
      ;;
    validate)
      run_timed validate validate --input "$WORK/inbox" --format json
      grep -v '^\s*$' "$WORK/validate.err" | head -3 || true
      ;;
    pipeline)
      timeout "$STEP_TIMEOUT" /usr/bin/time -v -o "$WORK/pipeline.time" "$BENCH" pipeline --input "$WORK/inbox" | tee "$WORK/pipeline.out"
      echo "-- pipeline: wall $(wall "$WORK/pipeline.time"), $(cpu "$WORK/pipeline.time"), peak RSS $(rss "$WORK/pipeline.time")"
      ;;
    incremental)
      last=$(ls "$WORK/inbox" | grep -v '^invalid-records' | sort | tail -1)
      mkdir -p "$WORK/aside" && mv "$WORK/inbox/$last" "$WORK/aside/"
      sync_args "$WORK/incremental.db"
      run_timed incremental-first "${args[@]}"
      mv "$WORK/aside/$last" "$WORK/inbox/"
      run_timed incremental "${args[@]}"
      echo "the second sync, after $last ($(wc -l <"$WORK/inbox/$last") lines) arrived:"
      report "$WORK/incremental.out"
      ;;
    backfill)
      [[ -f $WORK/store.db ]] || { echo "backfill needs the sync step first, with DEST=0 (STEPS=\"sync backfill\")" >&2; exit 2; }
      start_server
      cp "$WORK/store.db" "$WORK/backfill.db"
      sync_args "$WORK/backfill.db"
      args+=(--Adapter:Destinations:0:Name=ehr --Adapter:Destinations:0:OrganizationId=pbpca "--Adapter:Destinations:0:BaseUrl=http://127.0.0.1:$PORT"
        "--Adapter:Destinations:0:MaxConcurrency=$CONCURRENCY" --Adapter:Destinations:0:BackoffBase=00:00:00.200)
      run_timed backfill "${args[@]}"
      report "$WORK/backfill.out"
      secs=$(awk '/^Sync finished in/ {print $4}' "$WORK/backfill.out")
      sent=$(awk '/^Sent:/ {print $2}' "$WORK/backfill.out")
      # What the server holds, type by type (Medplum's in-memory server pages by _offset), then the same fed directly.
      rm -rf "$WORK/dump" && mkdir -p "$WORK/dump"
      python3 - "http://127.0.0.1:$PORT" "$WORK/dump" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
types = ["Practitioner", "Questionnaire", "Patient", "QuestionnaireResponse", "Observation", "Condition", "MedicationStatement", "Flag",
         "RiskAssessment", "AllergyIntolerance", "ServiceRequest", "Consent", "Encounter", "EpisodeOfCare", "MedicationAdministration",
         "AdverseEvent", "DocumentReference", "Provenance"]
for i, t in enumerate(types):
    n = 0
    with open(f"{out}/{i:02d}_{t}.ndjson", "w") as f:
        while True:
            page = json.load(urllib.request.urlopen(f"{base}/{t}?_count=1000&_offset={n}"))
            entries = page.get("entry", [])
            for e in entries:
                f.write(json.dumps(e["resource"]) + "\n")
            n += len(entries)
            if len(entries) < 1000:
                break
PY
      held=$(cat "$WORK"/dump/*.ndjson | wc -l)
      curl -sf -X POST "http://127.0.0.1:$PORT/_admin/reset" >/dev/null
      timeout "$STEP_TIMEOUT" "$BENCH" feed --server "http://127.0.0.1:$PORT" --input "$WORK/dump" --entries 10 --concurrency "$CONCURRENCY" | tee "$WORK/feed.out"
      awk -v s="$secs" -v n="$sent" -v h="$held" -f - "$WORK/feed.out" <<'AWK'
/^direct feed:/ { for (i = 1; i <= NF; i++) if ($i == "resources/s,") direct = $(i - 1) }
END {
  adapter = n / s
  printf "backfill: %d resources sent (the server holds %d) in %.1f s = %.0f resources/s; direct feed %.0f resources/s; the adapter at %.0f%% of it\n", n, h, s, adapter, direct, 100 * adapter / direct
}
AWK
      cleanup; SERVER_PID=
      ;;
    export)
      [[ -f $WORK/store.db ]] || { echo "export needs the sync step first (STEPS=\"sync export\")" >&2; exit 2; }
      tools=$ROOT/tests/FhirAdapter.Api.Tests/tools
      "$tools/smart-client.sh" keygen "$WORK/client" >/dev/null
      base=http://127.0.0.1:$API_PORT
      # The service on the synced store: no sync at start and none scheduled (1 January only), the API only.
      /usr/bin/time -v -o "$WORK/export.time" dotnet "$WORKER_DLL" \
        "--Adapter:Inbox=$WORK/inbox" "--Adapter:Store:ConnectionString=Data Source=$WORK/store.db" \
        "--Adapter:Validation:ProfilesPath=$ROOT/profiles" --Adapter:RunAtStart=false "--Adapter:Schedule=0 0 1 1 *" \
        "--Adapter:Api:Url=$base" "--Adapter:Api:Export:Directory=$WORK/exports" \
        --Adapter:Api:Clients:0:ClientId=load --Adapter:Api:Clients:0:OrganizationId=pbpca \
        "--Adapter:Api:Clients:0:Jwks=$(cat "$WORK/client/jwks.json")" >"$WORK/export.out" 2>"$WORK/export.err" &
      SERVICE_PID=$!
      for _ in $(seq 240); do curl -sf "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
      # A token lives 5 minutes; a large export outlives it: the client asks for a new one, as a SMART client does.
      new_token() { "$tools/smart-client.sh" token "$WORK/client" load "$base/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
      token=$(new_token)
      started=$(date +%s.%N)
      status_url=$(curl -si -H "Authorization: Bearer $token" -H 'Prefer: respond-async' "$base/fhir/Patient/\$export" \
        | awk -F': ' 'tolower($1)=="content-location" {print $2}' | tr -d '\r')
      [[ -n $status_url ]] || { echo "export kick-off failed (see $WORK/export.err)" >&2; exit 1; }
      for _ in $(seq "$STEP_TIMEOUT"); do
        code=$(curl -s -o "$WORK/manifest.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$status_url")
        if [[ $code == 401 ]]; then token=$(new_token); continue; fi
        [[ $code == 202 ]] || break
        sleep 1
      done
      finished=$(date +%s.%N)
      [[ $code == 200 ]] || { echo "export status $code (see $WORK/manifest.json)" >&2; exit 1; }
      mkdir -p "$WORK/export-files"
      token=$(new_token)
      for url in $(python3 -c 'import json,sys; print(" ".join(o["url"] for o in json.load(open(sys.argv[1]))["output"]))' "$WORK/manifest.json"); do
        curl -sf -H "Authorization: Bearer $token" -o "$WORK/export-files/$(basename "$url")" "$url"
      done
      downloaded=$(date +%s.%N)
      stop_service
      lines=$(cat "$WORK"/export-files/*.ndjson | wc -l)
      patients=$(wc -l <"$WORK/export-files/Patient.ndjson" 2>/dev/null || echo 0)
      awk -v a="$started" -v b="$finished" -v c="$downloaded" -v n="$lines" -v p="$patients" -v mb="$(du -sm "$WORK/export-files" | cut -f1)" \
        'BEGIN {printf "export: %d patients, %d resources (%d MB) in %.1f s (%.0f resources/s), downloaded in %.1f s\n", p, n, mb, b-a, n/(b-a), c-b}'
      echo "-- export (the service, start to stop): wall $(wall "$WORK/export.time"), $(cpu "$WORK/export.time"), peak RSS $(rss "$WORK/export.time")"
      ;;
    start)
      [[ -f $WORK/store.db ]] || { echo "start needs the sync step first (STEPS=\"sync start\")" >&2; exit 2; }
      base=http://127.0.0.1:$API_PORT
      for variant in same changed; do
        extra=(); [[ $variant == changed ]] && extra=(--Adapter:Validation:ReportUncheckedCodes=true)
        cp "$WORK/store.db" "$WORK/start.db"
        python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$WORK/start.db"
        t0=$(date +%s.%N)
        dotnet "$WORKER_DLL" "--Adapter:Inbox=$WORK/inbox" "--Adapter:Store:ConnectionString=Data Source=$WORK/start.db" \
          "--Adapter:Validation:ProfilesPath=$ROOT/profiles" --Adapter:RunAtStart=false "--Adapter:Schedule=0 0 1 1 *" "--Adapter:Api:Url=$base" \
          "--Adapter:Api:Export:Directory=$WORK/exports" "--Adapter:Store:BusyTimeout=${BUSY_TIMEOUT:-00:00:30}" "${extra[@]}" >"$WORK/start-$variant.out" 2>&1 &
        SERVICE_PID=$!
        # Beside the readiness polls, for 90 s: every 0.3 s, can a writer take SQLite's write lock within 0.2 s?
        python3 -c '
import sqlite3, sys, time
f, t0, since = sys.argv[1], float(sys.argv[2]), None
while time.time() - t0 < 90:
    c = sqlite3.connect(f, timeout=0.2, isolation_level=None)
    try:
        c.execute("BEGIN IMMEDIATE"); c.execute("ROLLBACK"); held = False
    except sqlite3.OperationalError:
        held = True
    c.close()
    now = time.time() - t0
    if held and since is None: since = now
    if not held and since is not None: print(f"  write lock held from {since:.1f} s to {now:.1f} s"); since = None
    time.sleep(0.3)' "$WORK/start.db" "$t0" >"$WORK/start-$variant.lock" &
        probe=$!
        first=; ready=; unready=0
        while (( $(date +%s) - ${t0%.*} < 90 )); do
          answer=$(curl -s -o "$WORK/start.body" -w '%{http_code} %{time_total}' --max-time 60 "$base/health/ready" 2>/dev/null) || { sleep 0.5; continue; }
          at=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
          [[ -n $first ]] || first="first answer at $at s: ${answer%% *} $(cat "$WORK/start.body") after ${answer##* } s"
          if [[ ${answer%% *} == 200 ]]; then ready="ready at $at s"; break; fi
          unready=$((unready + 1)); sleep 0.5
        done
        wait "$probe"
        kill -TERM "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=
        echo "start ($variant fingerprint): $first; ${ready:-not ready in 90 s}; $unready answers not ready; $(grep -c 'WRN\|ERR' "$WORK/start-$variant.out" || true) warnings or errors logged"
        cat "$WORK/start-$variant.lock"
        grep -E 'WRN|ERR|fingerprint' "$WORK/start-$variant.out" | cut -c1-160 | sed 's/^/  /' || true
        rm -f "$WORK"/start.db*
      done
      ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
