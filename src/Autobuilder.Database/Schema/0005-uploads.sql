-- The uploads' read model (issue 13): one row per upload ever taken, its latest summary. Each product's
-- upload registry (on the garage) writes it before it answers; the pages, the API and the console
-- query it, one query per view, so the registry keeps only the uploads still moving in memory.
-- Each index ends in the list's order (newest first) so a filtered page reads only its rows.

CREATE TABLE uploads
(
    id          text        NOT NULL PRIMARY KEY,
    product     text        NOT NULL,
    series      text        NOT NULL,
    sequence    integer     NOT NULL,
    source      text        NOT NULL,
    version     text        NOT NULL,
    state       text        NOT NULL,
    outcome     text,
    received_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    last_reason text        NOT NULL,
    settled     boolean     NOT NULL,
    account     text,
    latency     jsonb
);

CREATE INDEX uploads_received ON uploads (received_at DESC, id DESC);
CREATE INDEX uploads_product ON uploads (product, received_at DESC, id DESC);
CREATE INDEX uploads_source ON uploads (source, received_at DESC, id DESC);
CREATE INDEX uploads_account ON uploads (account, received_at DESC, id DESC);
CREATE INDEX uploads_state ON uploads (state, received_at DESC, id DESC);
CREATE INDEX uploads_outcome ON uploads (outcome, received_at DESC, id DESC);
CREATE INDEX uploads_series ON uploads (product, series, sequence);
CREATE INDEX uploads_settled ON uploads (updated_at) WHERE settled;
