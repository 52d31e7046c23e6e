#!/usr/bin/env bash
# For the LibTorch-only build on a machine without Debian's nlohmann-json3-dev (the lent GPU
# machine): copies the header-only library into .deps/include (ignored by git; `carry` it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$here/.deps/include"
cp -r /usr/include/nlohmann "$here/.deps/include/"
echo "copied nlohmann/json.hpp into $here/.deps/include"
