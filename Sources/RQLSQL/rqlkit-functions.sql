-- RQLKit's SQL helper functions, version 2: what realm-core decides that PostgreSQL has no exact
-- built-in for. `RQLPostgres` installs this script (`rql sql functions` prints it); translated
-- queries call the functions by their schema-qualified names. Every function is IMMUTABLE and
-- PARALLEL SAFE, so the planner may fold and parallelise them like built-ins.
-- Requires PostgreSQL 14 or later (numeric Infinity) and a UTF8 database.

CREATE SCHEMA IF NOT EXISTS rqlkit;

-- The version of this script; `RQLPostgres` reinstalls the functions when it differs.
CREATE OR REPLACE FUNCTION rqlkit.version() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 2 $$;

-- `[c]` folding as realm-core's case_map on Linux: ASCII A-Z and the Latin-1 letters U+00C0-U+00DE
-- except U+00D7 become lower case; nothing else changes (lower() would fold Greek, Cyrillic, ...).
CREATE OR REPLACE FUNCTION rqlkit.fold(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ',
                      'abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ')
$$;

-- An RQL LIKE pattern (`*` any characters, `?` one character, no escapes) as a PostgreSQL LIKE
-- pattern with the default escape `\`: PostgreSQL's own `%`, `_` and `\` become literal characters.
CREATE OR REPLACE FUNCTION rqlkit.like_pattern(p text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
$$;

-- An int against a double exactly (PostgreSQL would round the int to a double): -1, 0 or 1.
-- A NaN double sorts before every int, as realm's Mixed comparison has it.
CREATE OR REPLACE FUNCTION rqlkit.compare_int_double(i bigint, d double precision) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN d = 'NaN'::float8 THEN 1
    WHEN d >= '9223372036854775808'::float8 THEN -1
    WHEN d < '-9223372036854775808'::float8 THEN 1
    WHEN i <> trunc(d)::bigint THEN CASE WHEN i < trunc(d)::bigint THEN -1 ELSE 1 END
    WHEN d = trunc(d) THEN 0
    WHEN d > trunc(d) THEN -1
    ELSE 1
  END
$$;

-- A double as a decimal the way realm-core compares the two: the double's shortest round-trip
-- decimal text (PostgreSQL prints it with extra_float_digits >= 1), so 0.1 is exactly 0.1.
CREATE OR REPLACE FUNCTION rqlkit.double_to_decimal(d double precision) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET extra_float_digits = 1 AS $$
  SELECT d::text::numeric
$$;

-- Binaries under `[c]` and LIKE: realm applies its string rules to the bytes themselves (a byte's
-- case depends on the byte before it; LIKE's `?` skips one UTF-8 sequence by its lead byte), which
-- no text function can do for bytes that are not UTF-8. These port those byte rules as they are.

-- Byte c in lower case given the byte before it (0 at the start): ASCII A-Z, and the second byte
-- of the Latin-1 letters U+00C0-U+00DE (after 0xC3) except U+00D7.
CREATE OR REPLACE FUNCTION rqlkit.lower_byte(c integer, previous integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN c BETWEEN 65 AND 90 THEN c + 32
    WHEN previous = 195 AND c BETWEEN 128 AND 158 AND c <> 151 THEN c + 32
    ELSE c
  END
$$;

-- Byte c of folded bytes in upper case given the byte before it.
CREATE OR REPLACE FUNCTION rqlkit.upper_byte(c integer, previous integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN c BETWEEN 97 AND 122 THEN c - 32
    WHEN previous = 195 AND c BETWEEN 160 AND 190 AND c <> 183 THEN c - 32
    ELSE c
  END
$$;

-- Bytes in lower case (to_upper false: the needle's lower variant, a folded pattern) or, given
-- folded bytes, in upper case (the needle's upper variant), each by the byte before it.
CREATE OR REPLACE FUNCTION rqlkit.case_bytes(b bytea, to_upper boolean) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  mapped bytea := b;
  previous integer;
BEGIN
  FOR i IN 0 .. length(b) - 1 LOOP
    previous := CASE WHEN i > 0 THEN get_byte(b, i - 1) ELSE 0 END;
    mapped := set_byte(mapped, i, CASE WHEN to_upper THEN rqlkit.upper_byte(get_byte(b, i), previous)
                                       ELSE rqlkit.lower_byte(get_byte(b, i), previous) END);
  END LOOP;
  RETURN mapped;
END
$$;

-- `==[c]`, BEGINSWITH[c], ENDSWITH[c] and CONTAINS[c] of binaries (kind 'equal', 'beginswith',
-- 'endswith', 'contains'): each byte of the haystack must be the needle's byte in lower or in
-- upper case, the variants made from the needle alone.
CREATE OR REPLACE FUNCTION rqlkit.bytes_match_folded(kind text, h bytea, n bytea) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  hn integer := length(h);
  nn integer := length(n);
  lower bytea := rqlkit.case_bytes(n, false);
  upper bytea := rqlkit.case_bytes(lower, true);
  first integer := 0;
  last integer := 0;
  matched boolean;
BEGIN
  IF kind = 'equal' THEN
    IF hn <> nn THEN RETURN false; END IF;
  ELSIF kind = 'beginswith' THEN
    IF hn < nn THEN RETURN false; END IF;
  ELSIF kind = 'endswith' THEN
    IF hn < nn THEN RETURN false; END IF;
    first := hn - nn;
    last := hn - nn;
  ELSIF kind = 'contains' THEN
    IF nn = 0 THEN RETURN true; END IF;
    last := hn - nn;
  ELSE
    RAISE EXCEPTION 'rqlkit.bytes_match_folded: unknown kind %', kind;
  END IF;
  FOR start IN first .. last LOOP
    matched := true;
    FOR i IN 0 .. nn - 1 LOOP
      IF get_byte(h, start + i) <> get_byte(lower, i) AND get_byte(h, start + i) <> get_byte(upper, i) THEN
        matched := false;
        EXIT;
      END IF;
    END LOOP;
    IF matched THEN RETURN true; END IF;
  END LOOP;
  RETURN false;
END
$$;

-- The length of the UTF-8 sequence starting at byte i (by its lead byte), at most to the end: what
-- LIKE's `?` skips, as realm's byte rules count it.
CREATE OR REPLACE FUNCTION rqlkit.sequence_length(s bytea, i integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT least(CASE WHEN get_byte(s, i) < 192 THEN 1 WHEN get_byte(s, i) < 224 THEN 2
                    WHEN get_byte(s, i) < 240 THEN 3 ELSE 4 END, length(s) - i)
$$;

-- LIKE over bytes: `*` any sequence, `?` one UTF-8 sequence (by its lead byte), the whole value
-- must match; greedy with one backtrack point. With folded = true the pattern is folded and the
-- haystack folded byte by byte.
CREATE OR REPLACE FUNCTION rqlkit.bytes_like(s bytea, p bytea, folded boolean) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  sn integer := length(s);
  pn integer := length(p);
  pattern bytea := CASE WHEN folded THEN rqlkit.case_bytes(p, false) ELSE p END;
  si integer := 0;
  pi integer := 0;
  star_pattern integer := -1;
  star_string integer := 0;
  c integer;
BEGIN
  WHILE si < sn LOOP
    c := get_byte(s, si);
    IF folded THEN c := rqlkit.lower_byte(c, CASE WHEN si > 0 THEN get_byte(s, si - 1) ELSE 0 END); END IF;
    IF pi < pn AND get_byte(pattern, pi) = 63 THEN          -- ?
      si := si + rqlkit.sequence_length(s, si);
      pi := pi + 1;
    ELSIF pi < pn AND get_byte(pattern, pi) = 42 THEN       -- *
      star_pattern := pi;
      star_string := si;
      pi := pi + 1;
    ELSIF pi < pn AND get_byte(pattern, pi) = c THEN
      si := si + 1;
      pi := pi + 1;
    ELSIF star_pattern >= 0 THEN
      pi := star_pattern + 1;
      star_string := star_string + rqlkit.sequence_length(s, star_string);
      si := star_string;
    ELSE
      RETURN false;
    END IF;
  END LOOP;
  WHILE pi < pn AND get_byte(pattern, pi) = 42 LOOP pi := pi + 1; END LOOP;
  RETURN pi = pn;
END
$$;
