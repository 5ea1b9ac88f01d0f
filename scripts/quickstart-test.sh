#!/usr/bin/env bash
# The README's Quick start as a new user runs it: a fresh clone of the committed repository in a
# temporary folder with nothing beside it (no ../shared) and NNLAB_SHARED_DATA unset, then
# `bash scripts/nnlab.sh all --quick` there (setup, build, every experiment). Every experiment must
# pass. Only committed work is in the clone. The clone's report is copied to out/quickstart/.
#
# The clone's install is its own; its build reads this repository's turbo cache, so a package whose
# inputs (content-hashed by turbo) equal those just built here is restored instead of rebuilt, and
# one that differs, or any when nothing was built here, is built in the clone. turbo keeps the cache
# of a repository in its main working tree (git worktrees share it), hence --git-common-dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
rev=$(git rev-parse HEAD)
turbo_cache=$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")/.turbo/cache
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "quickstart: uncommitted changes are not part of the test: it clones commit $rev" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nnlab-quickstart-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone --quiet "$repo" "$tmp/nnlab"
git -C "$tmp/nnlab" checkout --quiet --detach "$rev"
[ ! -e "$tmp/shared" ] || { echo "quickstart: $tmp/shared exists; the clone must have nothing beside it" >&2; exit 1; }

start=$SECONDS
status=0
(cd "$tmp/nnlab" && env -u NNLAB_SHARED_DATA TURBO_CACHE_DIR="$turbo_cache" bash scripts/nnlab.sh all --quick) || status=$?
elapsed=$((SECONDS - start))

mkdir -p "$repo/out/quickstart"
cp "$tmp/nnlab/out/lab/report.html" "$tmp/nnlab/out/lab/report.json" "$repo/out/quickstart/" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "quickstart: FAILED (exit code $status) after ${elapsed} s; report (if any) in out/quickstart/" >&2
  exit "$status"
fi
echo "quickstart: a fresh clone of $rev ran 'nnlab all --quick' with every experiment passing in ${elapsed} s (setup and build included)"
