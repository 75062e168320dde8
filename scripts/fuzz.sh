#!/usr/bin/env bash
# Fuzz one target with libFuzzer under AddressSanitizer:
#   scripts/fuzz.sh TARGET SECONDS     (TARGET: tokenizer, splitter or index)
# LoreCore is built with the fuzzer's coverage and ASan (swift build --sanitize, own build folder
# .build-fuzz), the target fuzz/TARGET.swift is compiled against it with
# swiftc -sanitize=fuzzer,address -parse-as-library, and run from the seeds in fuzz/seeds/TARGET
# (new inputs go to .build-fuzz/corpus/TARGET; a crash is written to .build-fuzz/crash-TARGET-*).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh tokenizer|splitter|index SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
[ -f "fuzz/$target.swift" ] || { echo "no fuzz target fuzz/$target.swift" >&2; exit 64; }
scratch=.build-fuzz

# -sanitize-coverage explicitly: SwiftPM's --sanitize=fuzzer alone left LoreCore's Swift code without
# coverage counters in an incremental build (the fuzzer then saw only the target's own code).
swift build --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address --target LoreCore \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table >&2
debug="$scratch/debug"
yams=$(find "$scratch/checkouts" -maxdepth 1 -iname 'yams*' | head -1)
objects=$(find "$debug/LoreCore.build" "$debug/Yams.build" "$debug/CYaml.build" -name '*.o')
swiftc -sanitize=fuzzer,address -parse-as-library -g -Onone "fuzz/$target.swift" \
    -I "$debug/Modules" -I Sources/CBLAS -I Sources/CLAPACK -I Sources/CStemmer -I "$yams/Sources/CYaml/include" \
    $objects -lblas -llapack -lstemmer -o "$scratch/fuzz-$target" >&2

mkdir -p "$scratch/corpus/$target"
# Leaks are findings too, less Foundation's own (see lsan-suppressions.txt).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start=$(date +%s)
set +e
"$scratch/fuzz-$target" "$scratch/corpus/$target" "fuzz/seeds/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$scratch/crash-$target-" -print_final_stats=1
status=$?
set -e
echo "fuzz $target: $(( $(date +%s) - start )) s, exit $status" >&2
exit $status
