#!/usr/bin/env bash
# Runs the whole test suite (unit, golden, cross-process, Kafka mock cluster, kcat
# interop) against the build in build/. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300 "$@"
