#!/usr/bin/env bash
# Drive the testbed's experiment REST API with curl: submit a spec, poll its status, fetch the summary and a plot.
# Copy and adapt. Needs bash, curl and (for pretty output) jq or python3.
#
#   ./run-experiment.sh SPEC.json [OUT_DIR]
#   TESTBED_URL=http://127.0.0.1:8080 TESTBED_API_TOKEN=secret ./run-experiment.sh inference-singlestream.json
#
# Exit code: 0 VALID, 1 INVALID, 2 refused spec / failed / cancelled run.
set -euo pipefail

SPEC=${1:?usage: $0 SPEC.json [OUT_DIR]}
OUT=${2:-.}
API=${TESTBED_URL:-http://127.0.0.1:8080}/api/v1
AUTH=()
if [[ -n "${TESTBED_API_TOKEN:-}" ]]; then AUTH=(-H "Authorization: Bearer ${TESTBED_API_TOKEN}"); fi

# Extract a top-level field from a JSON document on stdin (jq if present, else python3).
field() {
  if command -v jq >/dev/null; then jq -r ".$1 // empty"; else
    python3 -c "import json,sys; v=json.load(sys.stdin).get('$1'); print('' if v is None else v)"; fi
}

# 1. Submit: 202 + run id; 400 lists every problem of the spec; 422 names unknown devices/models/targets.
RESPONSE=$(mktemp)
trap 'rm -f "$RESPONSE"' EXIT
CODE=$(curl -sS -o "$RESPONSE" -w '%{http_code}' -X POST "$API/experiments" "${AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary @"$SPEC")
if [[ "$CODE" != 202 ]]; then
  echo "spec refused (HTTP $CODE):" >&2
  cat "$RESPONSE" >&2; echo >&2
  exit 2
fi
RUN=$(field runId < "$RESPONSE")
echo "run $RUN submitted"

# 2. Poll until it ends (or follow live: curl -N "$API/experiments/$RUN/events").
while true; do
  STATUS_JSON=$(curl -sS "$API/experiments/$RUN")
  STATUS=$(field status <<< "$STATUS_JSON")
  case "$STATUS" in
    completed|failed|cancelled) break ;;
  esac
  printf '\r%s: %s, repetition %s/%s, %s/%s queries, ETA %s s   ' "$STATUS" "$(field phase <<< "$STATUS_JSON")" \
    "$(field repetition <<< "$STATUS_JSON")" "$(field repetitions <<< "$STATUS_JSON")" \
    "$(field queriesDone <<< "$STATUS_JSON")" "$(field queriesTotal <<< "$STATUS_JSON")" \
    "$(field etaSeconds <<< "$STATUS_JSON")"
  sleep 1
done
echo
echo "run $RUN $STATUS"
if [[ "$STATUS" != completed ]]; then
  echo "error: $(field error <<< "$STATUS_JSON")" >&2
  exit 2
fi

# 3. Fetch the MLPerf-style summary, the per-query CSV and a plot; list the rest of the bundle.
mkdir -p "$OUT/$RUN"
curl -sS -o "$OUT/$RUN/mlperf_log_summary.txt" "$API/experiments/$RUN/files/mlperf_log_summary.txt"
curl -sS -o "$OUT/$RUN/queries.csv" "$API/experiments/$RUN/files/queries.csv"
curl -sS -o "$OUT/$RUN/latency-cdf.png" "$API/experiments/$RUN/files/plots/latency-cdf.png"
curl -sS "$API/experiments/$RUN/bundle" > "$OUT/$RUN/bundle.json"
cat "$OUT/$RUN/mlperf_log_summary.txt"
echo "files in $OUT/$RUN (bundle listing: bundle.json)"

VERDICT=$(field verdict <<< "$STATUS_JSON")
echo "verdict: $VERDICT"
[[ "$VERDICT" == VALID ]] && exit 0 || exit 1
