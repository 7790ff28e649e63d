-- The uploads list's search (issue 13): text is matched anywhere in the id and the last step's reason
-- (ILIKE '%text%'), which no b-tree can answer; trigram indexes (pg_trgm, shipped with PostgreSQL and
-- trusted: the database's owner may create it) answer it for text of 3 characters or more, as the
-- FTS5 trigram index of the SQLite read model does in role all.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX uploads_id_trgm ON uploads USING gin (id gin_trgm_ops);
CREATE INDEX uploads_reason_trgm ON uploads USING gin (last_reason gin_trgm_ops);
