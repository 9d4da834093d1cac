-- a migration for tests
CREATE TABLE test_extra (x INTEGER);
