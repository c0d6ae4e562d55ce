#!/usr/bin/env bash
# Runs every fuzzer in <build-dir>/fuzz: first over its regression inputs (each must pass),
# then for FUZZ_SECONDS seconds on a scratch copy of its seed corpus, so the inputs it
# discovers stay out of the repository (merge good ones into fuzz/corpus/<name> by hand:
# <fuzzer> -merge=1 fuzz/corpus/<name> <scratch dir>).
#
#   fuzz/run.sh build-fuzz                      # every fuzzer, FUZZ_SECONDS (60) each
#   FUZZ_TOTAL_SECONDS=30 fuzz/run.sh build-fuzz  # CI: one budget shared by all fuzzers
#   FUZZ_ONLY=jwt fuzz/run.sh build-fuzz        # one fuzzer
# A crash leaves its input in <scratch>/artifacts/ and fails the run.
set -euo pipefail

build=${1:?usage: fuzz/run.sh <build-dir>}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
scratch=${FUZZ_SCRATCH:-$build/fuzz-run}

names=()
for src in "$here"/*_fuzzer.cpp; do
  name=$(basename "$src" _fuzzer.cpp)
  if [[ -n ${FUZZ_ONLY:-} && $name != "$FUZZ_ONLY" ]]; then continue; fi
  names+=("$name")
done
if [[ -n ${FUZZ_TOTAL_SECONDS:-} ]]; then
  seconds=$(( FUZZ_TOTAL_SECONDS / ${#names[@]} ))
  (( seconds > 0 )) || seconds=1
fi

for name in "${names[@]}"; do
  fuzzer=$build/fuzz/${name}_fuzzer
  if [[ -d $here/regressions/$name ]]; then
    echo "== $name: regression inputs"
    "$fuzzer" "$here"/regressions/"$name"/* 2>&1 | tail -n 2
  fi
  echo "== $name: fuzzing for ${seconds}s"
  rm -rf "${scratch:?}/$name"
  mkdir -p "$scratch/$name/corpus" "$scratch/$name/artifacts"
  cp -r "$here/corpus/$name/." "$scratch/$name/corpus/"
  # -rss_limit_mb: a parser must not need much memory whatever the input.
  "$fuzzer" "$scratch/$name/corpus" -max_total_time="$seconds" -rss_limit_mb=1024 \
    -max_len=8192 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$scratch/$name/artifacts/" 2>"$scratch/$name/log" || {
      tail -n 60 "$scratch/$name/log"
      echo "!! $name failed; the input is in $scratch/$name/artifacts/" >&2
      exit 1
    }
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' \
    "$scratch/$name/log" || true
done
