#!/usr/bin/env bash
# Records a deliberate change of public API: builds the given project(s) and writes every symbol the
# PublicApiAnalyzers report into the project's PublicAPI.Unshipped.txt (RS0016: new, added as is; RS0017: gone,
# added as *REMOVED*<symbol>). Review the diff of the .txt files: it is the API change.
#   eng/update-public-api.sh src/Topology [src/Kafka ...]
set -euo pipefail
cd "$(dirname "$0")/.."
for project in "$@"; do
  dir="${project%/}"
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || { echo "$dir has no PublicAPI.Unshipped.txt" >&2; exit 2; }
  log="$(mktemp)"
  dotnet build "$dir" -c Release -nologo -v quiet --no-incremental >"$log" 2>&1 || true
  python3 - "$dir" "$log" <<'PY'
import re, sys
d = sys.argv[1]
text = open(sys.argv[2]).read()
added, removed = set(), set()
for m in re.finditer(r"error RS0016: Symbol '(.+?)' is not part of the declared public API", text):
    added.add(m.group(1))
for m in re.finditer(r"error RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", text):
    removed.add(m.group(1))
path = f"{d}/PublicAPI.Unshipped.txt"
lines = open(path).read().splitlines()
header = [l for l in lines if l.startswith('#')] or ['#nullable enable']
body = set(l for l in lines if l and not l.startswith('#'))
# A symbol declared in Unshipped that is gone again simply leaves the file.
gone_here = {r for r in removed if r in body}
body -= gone_here
body |= added
body |= {'*REMOVED*' + r for r in removed - gone_here}
open(path, 'w').write('\n'.join(header + sorted(body, key=lambda l: l.replace('*REMOVED*', ''))) + '\n')
print(f"{path}: {len(added)} added, {len(removed)} removed")
PY
  rm -f "$log"
done
