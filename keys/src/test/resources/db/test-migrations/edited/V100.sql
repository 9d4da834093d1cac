-- the same version, edited after it was applied
CREATE TABLE test_extra (x INTEGER, y INTEGER);
