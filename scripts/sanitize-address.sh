#!/usr/bin/env bash
# swift test under AddressSanitizer, in its own build folder (.build-asan). Extra arguments go to
# swift test (e.g. --filter IndexTests).
set -euo pipefail
cd "$(dirname "$0")/.."
# Leaks are checked, less those of Foundation and XCTest listed in lsan-suppressions.txt.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start=$(date +%s)
swift test --sanitize=address --scratch-path .build-asan "$@"
echo "sanitize-address: $(( $(date +%s) - start )) s"
