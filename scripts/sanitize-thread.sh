#!/usr/bin/env bash
# swift test under ThreadSanitizer, in its own build folder (.build-tsan). Extra arguments go to
# swift test (e.g. --filter IndexTests).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
swift test --sanitize=thread --scratch-path .build-tsan "$@"
echo "sanitize-thread: $(( $(date +%s) - start )) s"
