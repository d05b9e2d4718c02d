-- RQLKit's SQL helper functions, version 1: what realm-core decides that PostgreSQL has no exact
-- built-in for. `RQLPostgres` installs this script (`rql sql functions` prints it); translated
-- queries call the functions by their schema-qualified names. Every function is IMMUTABLE and
-- PARALLEL SAFE, so the planner may fold and parallelise them like built-ins.
-- Requires PostgreSQL 14 or later (numeric Infinity) and a UTF8 database.

CREATE SCHEMA IF NOT EXISTS rqlkit;

-- The version of this script; `RQLPostgres` reinstalls the functions when it differs.
CREATE OR REPLACE FUNCTION rqlkit.version() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1 $$;

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
