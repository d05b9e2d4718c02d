#!/usr/bin/env bash
# End-to-end checks of `rql sql` exit codes and messages: an unreachable server exits 69 and the
# message never shows the password; with RQL_TEST_DATABASE, a load creates its table, and loading
# the same documents again is refused (65) without adding a row.
#   bash Tests/e2e/sql_e2e.sh .build/debug/rql
set -uo pipefail
rql=${1:?usage: sql_e2e.sh PATH-TO-rql}
app="$(dirname "$0")/../../Sources/rql/Resources/demo-app"
failures=0

expect() { # expect NAME WANTED-STATUS ACTUAL-STATUS [OUTPUT FORBIDDEN-TEXT]
    local name=$1 wanted=$2 actual=$3 output=${4:-} forbidden=${5:-}
    if [ "$actual" -ne "$wanted" ]; then
        echo "FAIL $name: exit $actual, expected $wanted; output: $output" >&2
        failures=$((failures + 1))
    elif [ -n "$forbidden" ] && [[ "$output" == *"$forbidden"* ]]; then
        echo "FAIL $name: the output shows '$forbidden': $output" >&2
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}

secret="e2e-Secret-Pw"
output=$("$rql" sql load --database "postgres://me:$secret@127.0.0.1:1/db" --app "$app" --collection Task "$app/data/Task.json" 2>&1)
expect "closed port exits 69 without the password" 69 $? "$output" "$secret"
output=$("$rql" sql load --database "postgres://me:$secret@/db?host=/nonexistent-rqlkit" --app "$app" --collection Task "$app/data/Task.json" 2>&1)
expect "missing socket exits 69 without the password" 69 $? "$output" "$secret"
output=$("$rql" sql load --database "mysql://me:$secret@h/db" --app "$app" --collection Task "$app/data/Task.json" 2>&1)
expect "a malformed URL is a usage error without the password" 64 $? "$output" "$secret"

if [ -n "${RQL_TEST_DATABASE:-}" ]; then
    output=$("$rql" sql load --database "$RQL_TEST_DATABASE" --app "$app" --collection Log --create "$app/data/Log.json" 2>&1)
    expect "load --create" 0 $? "$output"
    output=$("$rql" sql load --database "$RQL_TEST_DATABASE" --app "$app" --collection Log "$app/data/Log.json" 2>&1)
    expect "loading the same _ids again is refused" 65 $? "$output"
    output=$("$rql" sql load --database "$RQL_TEST_DATABASE" --app "$app" --collection Log --create "$app/data/Log.json" 2>&1)
    expect "creating an existing table is refused" 65 $? "$output"
    # The test's table, so a second run against the same database starts clean (psql only here, in a test).
    if command -v psql >/dev/null; then psql -X -q "$RQL_TEST_DATABASE" -c 'DROP TABLE IF EXISTS "Log"' >/dev/null; fi
fi

[ "$failures" -eq 0 ] || { echo "$failures sql e2e check(s) failed" >&2; exit 1; }
