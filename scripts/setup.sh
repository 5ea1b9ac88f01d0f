#!/usr/bin/env bash
# Installs what the repository needs and is missing, then checks the native `gl` module.
# Safe to run again: with everything present it only runs `pnpm install --frozen-lockfile`.
#   - Debian packages: Chromium for the browser tests (its SwiftShader Vulkan driver also serves WebGPU in
#     Node, through the Vulkan loader libvulkan1), Xvfb for headlessgl, and the headers `gl` builds against
#   - pnpm 12.4.2 (globally, through npm)
#   - the workspace dependencies, building `gl` from source against Node's own headers
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js 20 or newer is required (node not found)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version))"

# 1. Debian packages, installed only when one is missing (apt-get update only then). redis-server is
#    started by the job-queue tests themselves, on a loopback port of their own.
apt_packages=(chromium xvfb xauth libxi-dev libxext-dev libx11-dev libgl1-mesa-dev pkg-config redis-server libvulkan1)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    die "missing Debian packages (${missing[*]}); run this script as root"
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# 2. pnpm, the version the workspace pins in package.json.
pnpm_version=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  say "installing pnpm $pnpm_version"
  npm install --global --no-audit --no-fund "pnpm@$pnpm_version"
  hash -r
  [ "$(pnpm --version)" = "$pnpm_version" ] || die "pnpm --version is not $pnpm_version after installing it ($(command -v pnpm))"
fi

# 3. Workspace dependencies. pnpm does not pass `nodedir` from .npmrc to node-gyp, so it goes in the
#    environment; without it the `gl` build fails silently and the headlessgl tests skip. The headers
#    are those of the running Node: /usr/include/node for a system-wide Node (nodedir /usr).
nodedir=$(node -p 'require("path").resolve(process.execPath, "..", "..")')
[ -f "$nodedir/include/node/node.h" ] || nodedir=/usr
export npm_config_nodedir=$nodedir JOBS=max
pnpm install --frozen-lockfile

# 4. `gl` must load, resolved the way gpu.js (a dependency of packages/tensor-gpu) resolves it.
gl_check='require(require.resolve("gl", { paths: [require.resolve("gpu.js/package.json", { paths: ["packages/tensor-gpu"] })] }))'
if ! node -e "$gl_check" 2>/dev/null; then
  say "the native gl module does not load; rebuilding it"
  pnpm rebuild gl
fi
if ! gl_error=$(node -e "$gl_check" 2>&1); then
  printf '%s\n' "$gl_error" >&2
  die "the native gl module (optional dependency of gpu.js) did not build. It needs ${apt_packages[*]:3:5} and Node's headers under $nodedir/include/node (npm_config_nodedir=$nodedir)."
fi
say "ready (node $(node --version), pnpm $(pnpm --version), gl loads)"
