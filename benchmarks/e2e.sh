#!/usr/bin/env bash
# End-to-end timing of `moda analyze FILE --format json --out /tmp/x.json` on the generator's
# 1M- and 10M-child default-layout files (made once, cached in benchmarks/data/, git-ignored).
#
#   benchmarks/e2e.sh                      # everything: 1M and 10M, JIT, ReadyToRun and Native AOT builds
#   SIZES=1m RUNS=5 benchmarks/e2e.sh      # only the 1M file, 5 timed runs
#
# Environment: SIZES (default "1m 10m"), RUNS (timed runs; default 10 for 1m, 5 for 10m),
# WARMUP (default 2), RSS_RUNS (runs under /usr/bin/time -v; default 3), R2R=0 to skip the
# ReadyToRun publish, AOT=0 to skip the Native AOT publish, OUT (default /tmp/x.json).
#
# Times with hyperfine when installed (apt-get install -y hyperfine), else a loop reporting the
# median and min–max; peak RSS with GNU time (apt-get install -y time). Prints MB/s and
# children/s from the median, and the load average before and after each measurement: on a
# shared machine, compare figures only at similar load.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SIZES=${SIZES:-"1m 10m"}
WARMUP=${WARMUP:-2}
RSS_RUNS=${RSS_RUNS:-3}
R2R=${R2R:-1}
AOT=${AOT:-1}
OUT=${OUT:-/tmp/x.json}
DATA=benchmarks/data
JIT_BIN=src/Moda.Cli/bin/Release/net10.0/moda
R2R_DIR=benchmarks/bin/moda-r2r
AOT_DIR=benchmarks/bin/moda-aot

load() { cut -d' ' -f1-3 /proc/loadavg; }
rows_of() { case $1 in 1m) echo 1000000 ;; 10m) echo 10000000 ;; *) echo "unknown size '$1' (use 1m or 10m)" >&2; exit 2 ;; esac; }

echo "== machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "nproc:   $(nproc)"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|L2|L3)' | sed 's/^/         /'
echo "memory:  $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "dotnet:  $(dotnet --version)"
echo "load:    $(load) (1, 5, 15 min) on $(nproc) cores"

echo "== data (deterministic generator, cached in $DATA)"
mkdir -p "$DATA"
for size in $SIZES; do
  rows=$(rows_of "$size")
  file=$DATA/default-$size.csv
  if [ ! -s "$file" ]; then
    dotnet run samples/generator/generate.cs -- --layout default --rows "$rows" --out "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file: $rows children, $(stat -c %s "$file") bytes"
done

echo "== build"
dotnet build src/Moda.Cli -c Release -v quiet -nologo | grep -E 'error|Warn|->' || true
[ -x "$JIT_BIN" ] || { echo "no $JIT_BIN after the build" >&2; exit 1; }
variants=("jit:$JIT_BIN")
# publish NAME DIR HINT ARGS...: publishes the CLI to DIR and adds it to the timed builds, or
# says why it could not.
publish() {
  local name=$1 dir=$2 hint=$3; shift 3
  if dotnet publish src/Moda.Cli -c Release -r linux-x64 "$@" -o "$dir" -v quiet -nologo \
       > /tmp/moda-e2e-publish.log 2>&1 && [ -x "$dir/moda" ]; then
    echo "$name publish: $dir/moda"
    variants+=("${name,,}:$dir/moda")
  else
    echo "$name publish failed ($hint):"
    tail -5 /tmp/moda-e2e-publish.log
  fi
}
[ "$R2R" = 1 ] && publish R2R "$R2R_DIR" "offline without the crossgen/runtime packs?" --self-contained false -p:PublishReadyToRun=true
[ "$AOT" = 1 ] && publish AOT "$AOT_DIR" "needs the ILCompiler packages and clang" -p:PublishAot=true

# Identical output from every build and thread count (and a warm page cache).
first=$(mktemp)
for size in $SIZES; do
  file=$DATA/default-$size.csv
  "$JIT_BIN" analyze "$file" --format json --out "$first" --quiet
  for v in "${variants[@]}"; do
    for t in "" "--threads 1"; do
      # shellcheck disable=SC2086
      "${v#*:}" analyze "$file" --format json --out "$OUT" --quiet $t
      cmp -s "$first" "$OUT" || { echo "output of ${v%%:*} $t differs on $file" >&2; exit 1; }
    done
  done
done
rm -f "$first"
echo "outputs identical for every build and thread count"

HYPERFINE=$(command -v hyperfine || true)
GNUTIME=/usr/bin/time
[ -x "$GNUTIME" ] || GNUTIME=""
summary=()

# measure LABEL SIZE RUNS COMMAND...: prints and records median, min–max, MB/s, children/s, peak RSS, load.
measure() {
  local label=$1 size=$2 runs=$3; shift 3
  local file=$DATA/default-$size.csv rows bytes median min max before after rss="n/a" rsslist=""
  rows=$(rows_of "$size")
  bytes=$(stat -c %s "$file")
  before=$(load)
  if [ -n "$HYPERFINE" ]; then
    local csv
    csv=$(mktemp)
    "$HYPERFINE" --style basic --warmup "$WARMUP" --runs "$runs" --command-name "$label" --export-csv "$csv" -- "$*" >&2
    read -r median min max < <(awk -F, 'NR==2{print $4, $7, $8}' "$csv")
    rm -f "$csv"
  else
    local i t0 t1 times=()
    for ((i = 0; i < WARMUP; i++)); do "$@" > /dev/null 2>&1; done
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", (b-a)/1e9}')")
    done
    read -r median min max < <(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR]=$1} END{m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print m, v[1], v[NR]}')
  fi
  after=$(load)
  if [ -n "$GNUTIME" ]; then
    local i k log
    log=$(mktemp)
    for ((i = 0; i < RSS_RUNS; i++)); do
      "$GNUTIME" -v "$@" > /dev/null 2> "$log"
      k=$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")
      rsslist+="${rsslist:+ }$((k / 1024))"
    done
    rm -f "$log"
    rss=$(printf '%s\n' $rsslist | sort -n | tail -1)
  fi
  local line
  line=$(awk -v l="$label" -v s="$size" -v md="$median" -v mn="$min" -v mx="$max" -v b="$bytes" -v r="$rows" \
    -v rss="$rss" -v rl="$rsslist" -v lb="$before" -v la="$after" -v n="$runs" 'BEGIN{
      printf "| %s | %s | %.3f s | %.3f–%.3f s | %d | %.0f | %.2f M | %s MB (%s) | %s → %s |", \
        s, l, md, mn, mx, n, b/md/1e6, r/md/1e6, rss, rl, lb, la }')
  echo "$line"
  summary+=("$line")
}

echo "== timing (hyperfine: ${HYPERFINE:-not installed, using a loop}; peak RSS: ${GNUTIME:-GNU time not installed})"
for size in $SIZES; do
  runs=${RUNS:-$([ "$size" = 1m ] && echo 10 || echo 5)}
  for v in "${variants[@]}"; do
    name=${v%%:*} bin=${v#*:}
    measure "$name" "$size" "$runs" "$bin" analyze "$DATA/default-$size.csv" --format json --out "$OUT"
    if [ "$size" = 1m ]; then
      measure "$name --threads 1" "$size" "$runs" "$bin" analyze "$DATA/default-$size.csv" --format json --out "$OUT" --threads 1
    fi
  done
done

echo
echo "== summary: moda analyze FILE --format json --out $OUT"
echo "| file | build | median | min–max | runs | MB/s | children/s | peak RSS max (each run) | load 1/5/15 before → after |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
