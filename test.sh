#!/usr/bin/env bash
# Runs every ActorFlow test on a fresh machine: installs what the tests need when it is missing,
# then runs `dotnet test` over the whole solution.
set -euo pipefail
cd "$(dirname "$0")"

# PostgreSQL 15 (Debian) for the PostgreSQL contract tests; tests start their own server on 127.0.0.1. curl for the
# CLI spec that registers a schema the way a shell user would.
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build ActorFlow.sln -c Release -nologo -v quiet
# Formatting is part of the build contract (.editorconfig): fail on any unformatted file.
dotnet format ActorFlow.sln --verify-no-changes --no-restore
# One test project at a time: the suites start brokers, databases and clusters, and 2 cores are shared.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test ActorFlow.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
passed=$( { grep -E '^\s+Passed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}' || true)
failed=$( { grep -E '^\s+Failed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}' || true)
if [ "$failed" != "0" ]; then
  # CI keeps only the end of the output: repeat every failure (name, message, start of the stack) here.
  echo "--- failed tests ---"
  # Per failed test: its name, the first lines of its message and stack, and the errors and warnings its output
  # logged (Akka's log lines: a timeout's cause is usually there, not in the assertion).
  awk '
    /^[[:space:]]+(Passed|Failed|Skipped) [A-Za-z_]/ { inside = ($1 == "Failed"); out = 0; lines = 0; logged = 0; if (inside) print; next }
    inside && /Standard Output Messages/ { out = 1; next }
    inside && !out && lines < 12 { print; lines++; next }
    inside && out && logged < 12 && /\[(ERROR|WARNING)\]/ { print; logged++ }
  ' "$log" | cut -c1-400 | head -n 300 || true
  echo "--- end of failed tests ---"
fi
echo "$passed passed, $failed failed"
exit "$status"
