#!/usr/bin/env bash
# Load on `lore serve --http` over loopback: a generated corpus of 100,000 passages (lore bench's
# generator, written out as Markdown notes of 10 passages each), its index, then wrk against
# /api/search with the generator's varied questions, one after another from a list. Each run is
# bounded in time (-d) and in count (the Lua script stops a thread after its share of requests).
# Prints a Markdown table: connections, requests, requests/s, p50, p99. wrk divides by the whole
# duration even when the count stops it first, so such a row is marked and its rate is low.
# Nothing is left in the
# repository: the corpus and index live in a temporary folder, removed at the end.
# usage: benchmarks/serve-load.sh [PASSAGES] [SECONDS] [MAX_REQUESTS]     (needs wrk: apt-get install wrk)
#        LORE=/path/to/lore benchmarks/serve-load.sh   measures another build (its lore-serve beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
passages=${1:-100000}
seconds=${2:-20}
max_requests=${3:-100000}
lore=${LORE:-$PWD/.build/release/lore}
[ -x "$lore" ] || swift build -c release >/dev/null
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d /tmp/lore-serve-load.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# 1. The generated passages and questions (lore bench --export), as notes.
"$lore" bench --passages "$passages" --queries 1000 --export "$work/export" --results "" >/dev/null 2>"$work/bench.log"
python3 - "$(dirname "$(find "$work/export" -name corpus.jsonl | head -1)")" "$work/notes" "$work/questions.txt" <<'PY'
import json, os, sys, urllib.parse
src, notes, questions = sys.argv[1:4]
per_note = 10
with open(os.path.join(src, "corpus.jsonl")) as f:
    rows = [json.loads(line) for line in f]
for start in range(0, len(rows), per_note):
    n = start // per_note
    folder = os.path.join(notes, "%04d" % (n // 1000))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "%06d.md" % n), "w") as out:
        out.write("# Note %d\n" % n)
        for r in rows[start:start + per_note]:
            out.write("\n## %s\n\n%s\n" % (r["title"], r["text"]))
with open(os.path.join(src, "queries.jsonl")) as f, open(questions, "w") as out:
    for line in f:
        out.write(urllib.parse.quote(json.loads(line)["text"]) + "\n")
PY
notes=$(find "$work/notes" -name '*.md' | wc -l)

# 2. The index, built before serving.
start=$(date +%s.%N)
"$lore" index --corpus "$work/notes" --index "$work/index" >/dev/null 2>&1
built=$(echo "$(date +%s.%N) - $start" | bc)

# 3. The server, on a free loopback port (read from its stderr line).
"$lore" serve --http 127.0.0.1:0 --corpus "$work/notes" --index "$work/index" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 600); do grep -q 'serving http://' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
[ -n "$port" ] || { cat "$work/serve.log" >&2; exit 1; }

# 4. wrk: each request asks the next question of the list (k=10), each thread stops after its share.
cat > "$work/questions.lua" <<LUA
local questions = {}
for line in io.lines("$work/questions.txt") do questions[#questions + 1] = line end
local counter, done, limit = 0, 0, 0
function setup(thread) counter = counter + 1; thread:set("offset", counter * 7919) end
function init(args) limit = tonumber(args[1]); done = 0 end
function request()
  offset = offset + 1
  return wrk.format("GET", "/api/search?k=10&q=" .. questions[offset % #questions + 1])
end
function response(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. "\n") end
  done = done + 1
  if done >= limit then wrk.thread:stop() end
end
LUA

echo "Corpus: $passages passages in $notes notes (lore bench's generator, seed 1); index built in $(printf '%.1f' "$built") s."
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk and lore serve on the same cores."
echo
echo "| connections | wrk threads | requests | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|---|"
for c in 1 4 16; do
  t=$(( c < 2 ? 1 : 2 ))
  out=$(wrk -t"$t" -c"$c" -d"${seconds}s" --timeout 10s --latency -s "$work/questions.lua" "http://127.0.0.1:$port" -- $(( max_requests / t )) 2>"$work/wrk-errors.log")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$( (echo "$out" | grep -E 'Non-2xx|Socket errors' || true) | tr '\n' ' ')
  ms() { case "$1" in *us) echo "$1" | sed 's/us//' | awk '{printf "%.2f", $1/1000}';; *ms) echo "$1" | sed 's/ms//';; *s) echo "$1" | sed 's/s//' | awk '{printf "%.0f", $1*1000}';; esac; }
  [ "$requests" -ge $(( max_requests / t * t )) ] && rps="$rps (count limit reached: low)"
  echo "| $c | $t | $requests | $rps | $(ms "$p50") | $(ms "$p99") | ${errors:-0} |"
done
