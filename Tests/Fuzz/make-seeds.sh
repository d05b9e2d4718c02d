#!/usr/bin/env bash
# Regenerates the parser seed corpus, Tests/Fuzz/seeds/parser/: one file per distinct query body
# (`query` and `subscribe` blocks) of every .rqlt file under Corpus/, named by the SHA-1 of its
# content as libFuzzer names corpus files. Bodies over 256 kB are skipped (run.sh's -max_len, Flexible
# Sync's query limit). Block structure as in Sources/RQLCorpus/CorpusFile.swift: `#` lines are
# comments anywhere, blank (space/tab only) lines end a block, the body ends at `----`.
#
# Usage: Tests/Fuzz/make-seeds.sh        (from anywhere; rerun after changing the corpus)
set -euo pipefail
export LC_ALL=C
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/Tests/Fuzz/seeds/parser"
max=262144

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

find "$root/Corpus" -name '*.rqlt' -type f | sort | while IFS= read -r file; do
    awk -v out="$tmp" -v prefix="$(printf '%s' "$file" | sha1sum | cut -c1-12)" '
        function flush(   i, body, path) {
            if (n > 0 && isQuery) {
                body = ""
                for (i = 2; i <= n && lines[i] != "----"; i++) body = body (i > 2 ? "\n" : "") lines[i]
                path = sprintf("%s/%s-%06d", out, prefix, ++count)
                printf "%s", body > path
                close(path)
            }
            n = 0
        }
        { sub(/\r$/, "") }
        /^#/ { next }
        /^[ \t]*$/ { flush(); next }
        {
            lines[++n] = $0
            if (n == 1) { d = $0; sub(/^ +/, "", d); isQuery = (d ~ /^(query|subscribe) /) }
        }
        END { flush() }
    ' "$file"
done

mkdir -p "$out"
find "$out" -maxdepth 1 -type f -delete
bodies=0 skipped=0
for f in "$tmp"/*; do
    [ -e "$f" ] || continue
    bodies=$((bodies + 1))
    if [ "$(wc -c < "$f")" -gt "$max" ]; then skipped=$((skipped + 1)); continue; fi
    cp "$f" "$out/$(sha1sum < "$f" | cut -c1-40)"
done
echo "make-seeds: $bodies query bodies in $(find "$root/Corpus" -name '*.rqlt' | wc -l) .rqlt files," \
     "$skipped over $max bytes skipped, $(find "$out" -type f | wc -l) distinct seeds in ${out#$root/}"
