#!/usr/bin/env bash
# Reading speed by file format (issue 6): the 1M-child default-layout file as CSV, gzipped CSV,
# Stata .dta, SPSS .sav and Parquet, each analysed by `moda analyze ... --format json`; checks
# that every twin gives the CSV's JSON exactly (apart from the file name), then times each.
#
#   benchmarks/formats.sh            # RUNS=5 timed runs per format
#
# The twins are written by independent software, cached in benchmarks/data/: .csv.gz by gzip -1,
# .dta by Debian's python3-pandas (to_stata, format 118), .sav by readstat (from the .dta),
# .parquet by the npm package hyparquet-writer (row groups of 65,536). A format whose tool is
# missing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DATA=benchmarks/data
CSV=$DATA/default-1m.csv
[ -s "$CSV" ] || { mkdir -p "$DATA"; dotnet run samples/generator/generate.cs -- --layout default --rows 1000000 --out "$CSV"; }

if [ ! -s "$DATA/default-1m.dta" ] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  /usr/bin/python3 -c "import pandas as pd; pd.read_csv('$CSV').to_stata('$DATA/default-1m.dta', write_index=False, version=118)"
fi
if [ ! -s "$DATA/default-1m.sav" ] && command -v readstat >/dev/null && [ -s "$DATA/default-1m.dta" ]; then
  readstat "$DATA/default-1m.dta" "$DATA/default-1m.sav" >/dev/null
fi
if [ ! -s "$DATA/default-1m.parquet" ] && command -v npm >/dev/null; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm install --silent --no-audit --no-fund hyparquet-writer@0.17.0 >/dev/null 2>&1) || true
  if [ -d "$tmp/node_modules/hyparquet-writer" ]; then
    cat > "$tmp/write.mjs" <<'JS'
import fs from 'node:fs'
const { parquetWriteFile } = await import('hyparquet-writer')
const [input, output] = process.argv.slice(2)
const lines = fs.readFileSync(input, 'utf8').trimEnd().split('\n')
const header = lines[0].split(',')
const cells = lines.slice(1).map(l => l.split(','))
const columnData = header.map((name, j) => {
  const raw = cells.map(r => r[j])
  const numeric = raw.every(v => v === '' || v === 'NA' || !isNaN(Number(v)))
  const integer = numeric && raw.every(v => v === '' || v === 'NA' || Number.isInteger(Number(v)))
  const data = raw.map(v => v === '' || v === 'NA' ? null : numeric ? Number(v) : v)
  return { name, data, type: !numeric ? 'STRING' : integer ? 'INT32' : 'DOUBLE' }
})
parquetWriteFile({ filename: output, columnData, rowGroupSize: 65536 })
JS
    node "$tmp/write.mjs" "$CSV" "$DATA/default-1m.parquet"
  fi
  rm -rf "$tmp"
fi

[ -s "$DATA/default-1m.csv.gz" ] || gzip -1 -k "$CSV"   # the gzipped twin: decompressed on one thread, parsed on the other

dotnet build src/Moda.Cli -c Release -v quiet -nologo | grep -E ' error ' || true
MODA=src/Moda.Cli/bin/Release/net10.0/moda
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $RUNS runs each"
$MODA analyze "$CSV" --format json --out /tmp/formats-csv.json --quiet
for ext in csv csv.gz dta sav parquet; do
  file=$DATA/default-1m.$ext
  [ -s "$file" ] || { echo "$ext: no twin (tool missing), skipped"; continue; }
  $MODA analyze "$file" --format json --out /tmp/formats-$ext.json --quiet
  if diff <(grep -v '"file"' /tmp/formats-csv.json) <(grep -v '"file"' /tmp/formats-$ext.json) >/dev/null; then same="same JSON as CSV"; else same="JSON DIFFERS from CSV"; fi
  times=()
  for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N); $MODA analyze "$file" --format json --out /tmp/formats-x.json --quiet; e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}')
  printf '%-8s %10d bytes  median %.3f s  (min %.3f, max %.3f)  %s\n' "$ext" "$(stat -c %s "$file")" "$median" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$same"
done
