#!/usr/bin/env bash
# The libFuzzer targets of Uptake (docs/fuzzing.md): builds them from the package's own
# sources with coverage instrumentation, then runs each for FUZZ_SECONDS (default 60).
#
#   Tests/Fuzz/fuzz.sh                 build and run every target (what `make fuzz` does)
#   Tests/Fuzz/fuzz.sh build           build only
#   Tests/Fuzz/fuzz.sh link            relink the targets after editing one (modules as built)
#   Tests/Fuzz/fuzz.sh run csv         run one target (formula, scenario or csv)
#   FUZZ_SECONDS=600 Tests/Fuzz/fuzz.sh
#
# SwiftPM cannot build a libFuzzer program (the fuzzer's own main() must be linked in, and
# `-sanitize=fuzzer` on every target would give `uptake` two mains), so each module is
# compiled here with swiftc, whole-module, -O, `-sanitize=fuzzer` (coverage counters and
# comparison tracing) and `-enable-testing` (a target may reach internal API): TextIO,
# LinearAlgebra, Fitting, Forecasting, Yams with libyaml (clang, -fsanitize=fuzzer-no-link),
# Scenarios (with -D SWIFT_PACKAGE, as SwiftPM builds them). Each target is one small Swift
# file with an `LLVMFuzzerTestOneInput` entry, linked with all of them and libFuzzer into
# .build/fuzz/fuzz-NAME.
#
# Exit status: 0 when no target crashed, hung (-timeout, 10 s an input) or ran out of memory;
# 1 otherwise, with the input that did it in .build/fuzz/artifacts/ (rerun it with
# `.build/fuzz/fuzz-NAME FILE`). The figures of each run go to .build/fuzz/summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=.build/fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=(formula scenario csv)
FUZZ=Tests/Fuzz

YAMS=.build/checkouts/Yams/Sources
# shellcheck disable=SC2207
SWIFTC=(swiftc -O -wmo -parse-as-library -sanitize=fuzzer -enable-testing -g -D SWIFT_PACKAGE
        -I "$OUT/modules" -I Sources/CLinearAlgebra -I "$YAMS/CYaml/include" -Xcc -DYAML_DECLARE_STATIC
        $(pkg-config --cflags openblas | sed 's/-I/-Xcc -I/g'))

build() {
    swift package resolve >/dev/null
    local yams=$YAMS swiftc=("${SWIFTC[@]}")
    [ -d "$yams/CYaml" ] || { echo "fuzz.sh: no Yams checkout in .build/checkouts (swift package resolve)" >&2; exit 2; }
    rm -rf "$OUT/modules" "$OUT/obj"
    mkdir -p "$OUT/modules" "$OUT/obj/cyaml"

    module() {   # module NAME SWIFT_VERSION FILES...
        local name=$1 version=$2; shift 2
        echo "fuzz.sh: compiling $name"
        "${swiftc[@]}" -swift-version "$version" -module-name "$name" -emit-module \
            -emit-module-path "$OUT/modules/$name.swiftmodule" -c -o "$OUT/obj/$name.o" "$@"
    }

    echo "fuzz.sh: compiling libyaml"
    for c in "$yams"/CYaml/src/*.c; do
        clang -O2 -g -fsanitize=fuzzer-no-link -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" \
            -c "$c" -o "$OUT/obj/cyaml/$(basename "$c" .c).o"
    done
    module TextIO 6 Sources/TextIO/*.swift
    module LinearAlgebra 6 Sources/LinearAlgebra/*.swift
    module Fitting 6 $(find Sources/Fitting -name '*.swift' | sort)
    module Forecasting 6 $(find Sources/Forecasting -name '*.swift' | sort)
    module Yams 5 "$yams"/Yams/*.swift
    module Scenarios 6 Sources/Scenarios/*.swift
    link
}

# The targets, linked with the modules `build` compiled.
link() {
    local libs=(-L "$(pkg-config --variable=libdir openblas)" -lopenblas -llapacke -lm)
    for target in "${TARGETS[@]}"; do
        local source
        case $target in
            formula) source=$FUZZ/FormulaFuzzTarget.swift ;;
            scenario) source=$FUZZ/ScenarioFuzzTarget.swift ;;
            csv) source=$FUZZ/CSVFuzzTarget.swift ;;
        esac
        echo "fuzz.sh: linking fuzz-$target"
        "${SWIFTC[@]}" -swift-version 6 -module-name "Fuzz_$target" "$source" "$FUZZ/FuzzInvariant.swift" \
            "$OUT"/obj/*.o "$OUT"/obj/cyaml/*.o "${libs[@]}" -o "$OUT/fuzz-$target"
    done
}

# The seed corpus of a target, made afresh from the repository: bundled scenarios, the
# tests' data and the hostile-input corpus (libFuzzer cuts inputs to -max_len).
seeds() {
    local target=$1 dir=$OUT/seeds/$1
    rm -rf "$dir"; mkdir -p "$dir"
    case $target in
        formula)
            local i=0
            while IFS= read -r line; do i=$((i + 1)); printf '%s' "$line" > "$dir/seed-$i"; done < "$FUZZ/formula-seeds.txt"
            cp Tests/UptakeCLITests/Hostile/formula-*.txt "$dir/" ;;
        scenario)
            cp Scenarios/*.yaml Tests/Data/*/*.yaml Tests/UptakeCLITests/Hostile/*.yaml "$dir/" ;;
        csv)
            cp Scenarios/data/*.csv "$dir/"
            find Tests/Data -name '*.csv' -exec cp {} "$dir/" \;
            cp Tests/UptakeCLITests/Hostile/*.csv "$dir/" ;;
    esac
}

run() {
    local target=$1 max_len
    case $target in formula) max_len=8192 ;; *) max_len=16384 ;; esac
    [ -x "$OUT/fuzz-$target" ] || { echo "fuzz.sh: $OUT/fuzz-$target is not built (fuzz.sh build)" >&2; exit 2; }
    seeds "$target"
    mkdir -p "$OUT/corpus/$target" "$OUT/artifacts" "$OUT/work/data"
    # A scenario's `data:` is read relative to the working directory: give the seeds theirs.
    cp Scenarios/data/*.csv Tests/Data/backtest/*.csv Tests/UptakeCLITests/Hostile/*.csv "$OUT/work/data/"
    cp Tests/Data/backtest/*.csv Tests/UptakeCLITests/Hostile/*.csv "$OUT/work/"
    echo "fuzz.sh: fuzzing $target for $FUZZ_SECONDS s"
    local log=$OUT/$target.log status=0
    (cd "$OUT/work" && "../fuzz-$target" "../corpus/$target" "../seeds/$target" -dict="$ROOT/$FUZZ/$target.dict" \
        -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=4096 -max_len="$max_len" \
        -artifact_prefix="../artifacts/$target-" -print_final_stats=1) > "$log" 2>&1 || status=$?
    local runs execs rss corpus crashes
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    corpus=$(find "$OUT/corpus/$target" -type f | wc -l)
    crashes=$(find "$OUT/artifacts" -name "$target-*" -type f | wc -l)
    local line="$target: ${FUZZ_SECONDS} s, ${runs:-?} runs, ${execs:-?} execs/s, peak ${rss:-?} MB, corpus $corpus, exit $status, artifacts $crashes"
    echo "fuzz.sh: $line"
    echo "$(date -u +%Y-%m-%dT%H:%MZ) $line" >> "$OUT/summary.txt"
    if [ "$status" != 0 ]; then
        echo "fuzz.sh: $target failed; the end of $log:" >&2
        tail -30 "$log" >&2
        return 1
    fi
}

case ${1:-all} in
    build) build ;;
    link) link ;;
    run) shift; failed=0; for t in "${@:-${TARGETS[@]}}"; do run "$t" || failed=1; done; exit $failed ;;
    all) build; failed=0; for t in "${TARGETS[@]}"; do run "$t" || failed=1; done; exit $failed ;;
    *) echo "usage: $0 [build | link | run [formula|scenario|csv]...]" >&2; exit 2 ;;
esac
