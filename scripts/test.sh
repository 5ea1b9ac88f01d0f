#!/usr/bin/env bash
# The whole test suite: the import-cycle check, then build, type checks and tests of every
# workspace package on every backend this machine offers (headlessgl and the Chromium browser
# project need the virtual display), the documentation build, which fails on any undocumented
# export, the TypeScript of the guides, READMEs and @example tags (scripts/check-snippets.mjs), the
# release dry run (scripts/release-dry-run.mjs), then the Quick start of the README in a fresh clone
# of the committed repository (scripts/quickstart-test.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export TURBO_TELEMETRY_DISABLED=1
node scripts/check-cycles.mjs
xvfb-run -a -s "-screen 0 1280x1024x24" pnpm exec turbo run build typecheck test --concurrency=1
pnpm run docs
node scripts/check-snippets.mjs --run
node scripts/release-dry-run.mjs
bash scripts/quickstart-test.sh
