#!/usr/bin/env bash
# Regenerates the static protobuf code for protocols/device.proto into protocols/generated/ (or into $1).
set -euo pipefail
out="${1:-protocols/generated}"
mkdir -p "$out"
node_modules/.bin/pbjs -t static-module -w es6 --es6 --no-beautify --no-delimited --no-verify --no-convert -o "$out/device.js" protocols/device.proto
node_modules/.bin/pbts --no-comments -o "$out/device.d.ts" "$out/device.js"
