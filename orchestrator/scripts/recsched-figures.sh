#!/usr/bin/env bash
# Bench (not a test): DeepRecSched vs both baselines on real recommendation servers, measured in one run on this host.
# Starts an orchestrator (this module's build) and two cloud agents (launcher build) as processes, submits SPEC over
# REST, waits for the end and copies the bundle to OUT.
#   orchestrator/scripts/recsched-figures.sh [SPEC=experiments/examples/recsched-rmc.json] [OUT=/tmp/recsched-figures]
# Memory: the workers of one model instance share its tables (cloud-agents testbed.cloud.rec.share-tables, default on;
# REC_SHARE_TABLES=false gives every session its own copy); on a shared host run one model per invocation anyway (a spec
# with one model: the agents then load only that model).
# Needs: a build of this module and of experiments in BUILD (mvn -o verify -pl experiments,orchestrator
# -Dtb.build=BUILD; no mvn install: the script puts experiments/BUILD's jar over the one from ~/.m2, and, when
# present, cloud-agents/BUILD's and inference/BUILD's jars over the launcher's for the agents), the launcher build
# (launcher/target/lib), curl, python3. Env: BUILD (target), REC_WORKERS (2), REC_INSTANCES (1: co-located copies of
# each model per agent, fixed at agent start: a co-location sweep reruns this script per N), REC_SHARE_TABLES (true), HTTP_PORT
# (18080), BROKER_PORT (18830). Writes OUT/load.log (uptime every 30 s during the run) and OUT/rss.txt (the agents'
# resident memory once warm).
set -euo pipefail
cd "$(dirname "$0")/../.."
SPEC=${1:-experiments/examples/recsched-rmc.json}
OUT=${2:-/tmp/recsched-figures}
BUILD=${BUILD:-target}
REC_SHARE_TABLES=${REC_SHARE_TABLES:-true}
HTTP_PORT=${HTTP_PORT:-18080}
BROKER_PORT=${BROKER_PORT:-18830}
REC_WORKERS=${REC_WORKERS:-2}
REC_INSTANCES=${REC_INSTANCES:-1}
MODELS=$(python3 -c "import json,sys; print(','.join(json.load(open('$SPEC'))['models']))")
mkdir -p "$OUT"
CP_FILE="$OUT/orchestrator-cp.txt"
mvn -o -q -pl orchestrator -Dtb.build="$BUILD" dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime
# Private copies of every jar and class folder: a concurrent `mvn install` or launcher rebuild must not swap classes
# under the running processes.
rm -rf "$OUT/lib" "$OUT/orchestrator-classes" "$OUT/launcher"
mkdir -p "$OUT/lib" "$OUT/launcher"
cp -r "orchestrator/$BUILD/classes" "$OUT/orchestrator-classes"
tr ':' '\n' < "$CP_FILE" | while read -r jar; do [ -n "$jar" ] && cp "$jar" "$OUT/lib/"; done
cp -r launcher/target/lib "$OUT/launcher/lib" && cp launcher/target/launcher.jar "$OUT/launcher/"
# This build's modules over the installed/launcher copies (same file names: <module>-<version>.jar).
for m in experiments inference cloud-agents; do
  for jar in "$m/$BUILD/$m"-*.jar; do
    [ -f "$jar" ] || continue
    case "$jar" in *-tests.jar|*-sources.jar) continue ;; esac
    base=$(basename "$jar")
    [ -f "$OUT/lib/$base" ] && cp "$jar" "$OUT/lib/$base" && echo "orchestrator classpath: $jar" >&2
    [ -f "$OUT/launcher/lib/$base" ] && cp "$jar" "$OUT/launcher/lib/$base" && echo "agent classpath: $jar" >&2
  done
done
ORCH_CP="$OUT/orchestrator-classes:$OUT/lib/*"
LAUNCH_CP="$OUT/launcher/lib/*:$OUT/launcher/launcher.jar"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
java -Dlogback.configurationFile="$PWD/launcher/src/main/resources/logback.xml" -cp "$ORCH_CP" io.testbed.orchestrator.app.OrchestratorCommand --http-port "$HTTP_PORT" \
  --embedded-broker-port "$BROKER_PORT" --data-dir "$OUT/runs" > "$OUT/orchestrator.log" 2>&1 &
PIDS+=($!)
API=http://127.0.0.1:$HTTP_PORT/api/v1
for i in $(seq 1 60); do curl -sf "$API/health" > /dev/null && break; sleep 1; done
for id in cloud-1 cloud-2; do
  TESTBED_CLOUD_REC_SHARE_TABLES=$REC_SHARE_TABLES java -cp "$LAUNCH_CP" io.testbed.launcher.Testbed cloud-agent --id "$id" --profile cloud --models mlp --no-cpu-cap \
    --broker "tcp://127.0.0.1:$BROKER_PORT" --http-port 0 --rec-models "$MODELS" --rec-workers "$REC_WORKERS" --rec-instances "$REC_INSTANCES" \
    > "$OUT/$id.log" 2>&1 &
  PIDS+=($!)
done
# Wait until both servers said hello and their workers are warm.
for i in $(seq 1 300); do
  ok=0
  for id in cloud-1 cloud-2; do
    ep=$(curl -sf "$API/devices/$id" | python3 -c "import json,sys; print(json.load(sys.stdin).get('endpoint') or '')" 2>/dev/null || true)
    [ -n "$ep" ] && curl -sf "$ep/v1/rec/stats" | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['warm'] else 1)" 2>/dev/null && ok=$((ok+1))
  done
  [ "$ok" = 2 ] && break
  sleep 1
done
for i in 1 2; do
  echo "cloud-$i pid ${PIDS[$i]}: $(grep VmRSS /proc/${PIDS[$i]}/status) (warm, share-tables $REC_SHARE_TABLES, $REC_WORKERS workers, $REC_INSTANCES instances, $MODELS)"
done > "$OUT/rss.txt"
cat "$OUT/rss.txt" >&2
( while :; do echo "$(date -u +%H:%M:%S) $(uptime)"; sleep 30; done ) > "$OUT/load.log" 2>&1 &
PIDS+=($!)
echo "servers warm; submitting $SPEC" >&2
RUN=$(curl -sf -X POST "$API/experiments" -H 'Content-Type: application/json' --data-binary @"$SPEC" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['runId'])")
echo "run $RUN" >&2
while :; do
  V=$(curl -sf "$API/experiments/$RUN")
  S=$(echo "$V" | python3 -c "import json,sys; v=json.load(sys.stdin); print(v['status'], v['phase'], v['repetition'], '/', v['repetitions'], v['queriesDone'])")
  echo "  $S" >&2
  case "$S" in completed*|failed*|cancelled*) break ;; esac
  sleep 10
done
BUNDLE=$(echo "$V" | python3 -c "import json,sys; print(json.load(sys.stdin)['bundle'])")
cp -r "$BUNDLE" "$OUT/bundle"
cat "$OUT/bundle/recsched-report.txt"
