-- 0005: provisional scores (scoring version 2). A domain whose required checks were not all
-- judged, or whose coverage is below the floor, has a provisional score: this column holds
-- why (NULL when the score is firm, and for every domain saved before this migration).

ALTER TABLE domain_results ADD COLUMN provisional TEXT;
