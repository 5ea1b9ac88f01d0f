#!/usr/bin/env bash
# Runs the `nnlab` command line (apps/lab) with the given arguments, e.g. `bash scripts/nnlab.sh all`,
# after installing what is missing and building the app and the packages it uses.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export TURBO_TELEMETRY_DISABLED=1
pnpm exec turbo run build --filter=@nnlab/lab...
[ -f apps/lab/dist/cli.js ] || { echo "nnlab: apps/lab/dist/cli.js was not built; the lab app has no build output yet" >&2; exit 1; }
exec xvfb-run -a -s "-screen 0 1280x1024x24" node apps/lab/dist/cli.js "$@"
