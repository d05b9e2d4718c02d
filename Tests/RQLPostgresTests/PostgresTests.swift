// Tests that need a PostgreSQL server: RQL_TEST_DATABASE names it (.ci/run starts one).
import Testing
