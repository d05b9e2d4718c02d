#!/usr/bin/env bash
# Builds the libFuzzer targets and fuzzes them.
#
#   Tests/Fuzz/run.sh SECONDS [TARGET...]
#
# TARGET is FuzzParser, FuzzChecker, FuzzEvaluator, FuzzMatcher or FuzzLive (default: all five). Each target runs for
# SECONDS (libFuzzer's -max_total_time); several targets run in parallel, one process each.
#
#   build      swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
#              --scratch-path .build-fuzz          (ASAN=1: -sanitize=fuzzer,address, .build-fuzz-asan)
#   corpus     .build-fuzz/corpus-<target>/        writable work corpus, kept between runs (first dir)
#              Tests/Fuzz/seeds/parser/            read-only seeds (FuzzParser, FuzzChecker; libFuzzer
#                                                  only ever writes to the first corpus directory)
#              .build-fuzz/seeds-long/             long runs of operators, NOT and parentheses near
#                                                  FUZZ_MAX_LEN, written by this script (FuzzParser, FuzzChecker)
#   dictionary Tests/Fuzz/dictionary/rql.dict      (FuzzParser, FuzzChecker; FuzzEvaluator's, FuzzMatcher's and FuzzLive's
#                                                  input is a stream of random choices, where words mean nothing)
#   artifacts  .build-fuzz/artifacts/<target>/     crash-*, timeout-*, oom-* inputs
#   logs       .build-fuzz/logs/<target>-<time>.log, and .build-fuzz/logs/<target>.log -> the latest
#
# Environment:
#   ASAN=1          also AddressSanitizer (slower; logs and artifacts get an -asan suffix)
#   FUZZ_MAX_LEN    largest input in bytes (default 262144: Flexible Sync's 256 kB query limit,
#                   which a client controls; libFuzzer's own default, 4096, missed the stack overflow
#                   of 87 kB operator runs)
#   FUZZ_STACK_KB   the fuzzer's stack in KiB (default 512, an ordinary server thread's: every
#                   stage must fit it for any input up to FUZZ_MAX_LEN)
#   FUZZ_TIMEOUT    seconds one input may take before libFuzzer reports a hang (default 10)
#   FUZZ_RSS_MB     memory limit in MB (default 2048)
#   FUZZ_FLAGS      more libFuzzer flags, e.g. FUZZ_FLAGS="-max_len=256"
#   NO_BUILD=1      skip the build
#
# SWIFT_BACKTRACE=enable=no is set for the fuzzers: with Swift's backtracer on, a fatalError dies
# with SIGILL before libFuzzer can write the crash input; a build without -DFUZZING
# or with the entry point renamed exits at once without fuzzing (the run then warns).
#
# Reproduce a finding, with libFuzzer:  SWIFT_BACKTRACE=enable=no .build-fuzz/release/FuzzParser FILE
#             or without (normal build): swift build && .build/debug/FuzzParser FILE-OR-DIR...
# Minimise it:  SWIFT_BACKTRACE=enable=no .build-fuzz/release/FuzzParser -minimize_crash=1 -runs=100000 \
#                   -exact_artifact_path=min FILE
# Exit status: 0 when every target ran clean, 1 when one found something, 2 on a usage/build error.
set -uo pipefail

usage() {
    sed -n '2,/^set -uo/p' "$0" | sed -e '/^set -uo/d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 1 ] || usage
case "$1" in ''|*[!0-9]*) usage ;; esac
seconds=$1
shift
all=(FuzzParser FuzzChecker FuzzEvaluator FuzzMatcher FuzzLive)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    case " ${all[*]} " in *" $t "*) ;; *) echo "run.sh: unknown target '$t' (one of: ${all[*]})" >&2; exit 2 ;; esac
done

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 2
work=.build-fuzz
if [ "${ASAN:-0}" = 1 ]; then
    sanitizers=fuzzer,address scratch=.build-fuzz-asan suffix=-asan
else
    sanitizers=fuzzer scratch=.build-fuzz suffix=
fi
timeout=${FUZZ_TIMEOUT:-10}
max_len=${FUZZ_MAX_LEN:-262144}
stack_kb=${FUZZ_STACK_KB:-512}
rss=${FUZZ_RSS_MB:-2048}
mkdir -p "$work/logs" "$work/artifacts"

if [ "${NO_BUILD:-0}" != 1 ]; then
    for t in "${targets[@]}"; do
        echo "run.sh: building $t (-sanitize=$sanitizers) into $scratch"
        swift build -c release -Xswiftc -sanitize=$sanitizers -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
            --product "$t" --scratch-path "$scratch" 2>&1 | grep -v '^\['
        [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "run.sh: build of $t failed" >&2; exit 2; }
    done
fi

# Long inputs that mutations alone would take hours to grow: runs of each operator and of
# nesting, bare and after an error, just under max_len.
long_seeds="$work/seeds-long"
mkdir -p "$long_seeds"
python3 - "$long_seeds" "$max_len" <<'PY'
import sys
out, limit = sys.argv[1], int(sys.argv[2]) - 16
units = ["-", "+", "*", "/", "!", "(", "NOT ", "- ", "* ", "{", "1,,", "[0]", ".s", "ANY ", "LIMIT(5) ",
         "SUBQUERY(s_l, $x, ", "s == 'x' AND ", "i != 1 OR "]
for n, unit in enumerate(units):
    for m, prefix in enumerate(["", "i == 1 ", "i == ) ", "s == "]):
        with open(f"{out}/long-{n:02d}-{m}", "w") as f:
            f.write(prefix + unit * ((limit - len(prefix)) // len(unit)))
PY

stamp=$(date +%Y%m%d-%H%M%S)
pids=() logs=()
for t in "${targets[@]}"; do
    bin="$scratch/release/$t"
    [ -x "$bin" ] || { echo "run.sh: $bin is missing (run without NO_BUILD)" >&2; exit 2; }
    corpus="$work/corpus-$t"
    artifacts="$work/artifacts/$t$suffix"
    log="$work/logs/$t$suffix-$stamp.log"
    mkdir -p "$corpus" "$artifacts"
    args=("$corpus")
    case $t in
        FuzzParser|FuzzChecker) args+=(Tests/Fuzz/seeds/parser "$long_seeds" -dict=Tests/Fuzz/dictionary/rql.dict) ;;
        FuzzEvaluator) [ -d Tests/Fuzz/seeds/evaluator ] && args+=(Tests/Fuzz/seeds/evaluator) ;;
    esac
    # shellcheck disable=SC2206
    args+=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/"
           -timeout="$timeout" -rss_limit_mb="$rss" -max_len="$max_len" ${FUZZ_FLAGS:-})
    echo "run.sh: $t for ${seconds}s -> $log"
    echo "+ SWIFT_BACKTRACE=enable=no $bin ${args[*]}" > "$log"
    (ulimit -s "$stack_kb" && SWIFT_BACKTRACE=enable=no exec "$bin" "${args[@]}") >> "$log" 2>&1 &
    pids+=($!) logs+=("$log")
    ln -sfn "$(basename "$log")" "$work/logs/$t$suffix.log"
done

status=0
for i in "${!targets[@]}"; do
    t=${targets[$i]} log=${logs[$i]}
    wait "${pids[$i]}"
    rc=$?
    fstat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
    units=$(fstat number_of_executed_units) execs=$(fstat average_exec_per_sec) rssmb=$(fstat peak_rss_mb)
    added=$(fstat new_units_added)
    files=$(find "$work/corpus-$t" -type f | wc -l)
    bytes=$(find "$work/corpus-$t" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    echo "run.sh: $t exit $rc: executed ${units:-?} units, ${execs:-?} exec/s, peak RSS ${rssmb:-?} MB," \
         "${added:-?} new units; work corpus $files files, $bytes bytes; log $log"
    if [ $rc -ne 0 ]; then
        status=1
        grep -m3 -E 'ERROR: libFuzzer|SUMMARY: |Fatal error|Test unit written to' "$log" | sed 's/^/    /'
    elif [ -z "$units" ] || [ "$units" -lt 1000 ]; then
        # A binary that exits at once without fuzzing (a silent trap of fuzzing through SwiftPM).
        echo "    WARNING: $t executed ${units:-no} units: it did not really fuzz" >&2
        status=1
    fi
done
exit $status
