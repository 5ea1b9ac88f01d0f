#!/usr/bin/env bash
# The whole test suite: the import-cycle check, then build, type checks and tests of every
# workspace package on every backend this machine offers (headlessgl and the Chromium browser
# project need the virtual display), the documentation build, which fails on any undocumented
# export, the TypeScript of the guides, READMEs and @example tags (scripts/check-snippets.mjs), the
# release dry run (scripts/release-dry-run.mjs), and the Quick start of the README in a fresh clone
# of the committed repository (scripts/quickstart-test.sh), which runs beside the tests.
#
# Each step prints its wall and CPU seconds (`step <name> took ...`), so that a slow one shows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Runs one step and reports its wall time and the CPU time of its processes.
timed() {
  local name=$1 start=$SECONDS status=0 me=$BASHPID before after ticks
  shift
  # utime + stime + cutime + cstime of this shell: the children it waited for are in the last two.
  before=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$me/stat")
  "$@" || status=$?
  after=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$me/stat")
  ticks=$(getconf CLK_TCK)
  printf 'step %s took %d s (CPU %.1f s)%s\n' "$name" $((SECONDS - start)) "$(awk "BEGIN { print ($after - $before) / $ticks }")" "$([ "$status" -eq 0 ] || echo ", FAILED with exit code $status")"
  return "$status"
}

# Runs the given steps at the same time, each with its output in its own log, then prints the logs
# in the order given and fails when any step failed. The steps after the build only read the built
# packages and spend much of their time waiting on git, pnpm and npm, so together they keep both
# cores busy where one after the other they would not.
together() {
  local dir names=() pids=() failed=0 i
  dir=$(mktemp -d "${TMPDIR:-/tmp}/nnlab-test-XXXXXX")
  for i in "$@"; do
    names+=("$i")
    (timed "$i" bash -c "$i" >"$dir/${#names[@]}.log" 2>&1) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=1
    printf '\n=== %s\n' "${names[$i]}"
    cat "$dir/$((i + 1)).log"
  done
  rm -rf "$dir"
  return "$failed"
}

timed setup bash scripts/setup.sh

export TURBO_TELEMETRY_DISABLED=1
timed cycles node scripts/check-cycles.mjs
# Two tasks at a time: most test tasks run their files one after the other, and a build or type
# check waits on nothing but its own process. A failing task does not stop the others whose
# dependencies built, so that one run reports every failing package.
timed build pnpm exec turbo run build --concurrency=2
# The Quick start runs in a clone of its own and reads nothing here but the turbo cache the build
# just filled, so it runs beside the tests, in the gaps they leave (waits on Chromium, Redis, npm).
quickstart_log=$(mktemp "${TMPDIR:-/tmp}/nnlab-quickstart-log-XXXXXX")
(timed quickstart bash scripts/quickstart-test.sh) >"$quickstart_log" 2>&1 &
quickstart_pid=$!
status=0
timed turbo xvfb-run -a -s "-screen 0 1280x1024x24" pnpm exec turbo run build typecheck test --concurrency=2 --continue=dependencies-successful || status=1
# The packages are built by now, so the site is built without `pnpm run docs`, whose own
# `turbo run build` would restore dist/ from the cache while the other checks read it.
together \
  'pnpm exec typedoc && node scripts/check-site-links.mjs' \
  'node scripts/check-snippets.mjs --run' \
  'node scripts/release-dry-run.mjs' || status=1
wait "$quickstart_pid" || status=1
printf '\n=== bash scripts/quickstart-test.sh\n'
cat "$quickstart_log"
rm -f "$quickstart_log"
exit "$status"
