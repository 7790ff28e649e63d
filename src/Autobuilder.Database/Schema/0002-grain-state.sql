-- Grain state for Orleans' ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet, invariant
-- "Npgsql"), the silo's storage provider "state". The provider passes a grain's identity as
-- @ServiceId, @GrainTypeString, @GrainIdN0/@GrainIdN1 (integer and GUID keys), @GrainIdExtensionString
-- (string keys, key extensions; NULL otherwise) and two hashes; it reads PayloadBinary and Version,
-- and expects NewGrainStateVersion (or the first column) back from a write (or a clear): the new
-- version, or NULL when the version it sent was not the stored one (two activations, one of them stale).

CREATE TABLE orleans_grain_state
(
    service_id       text        NOT NULL,
    grain_type       text        NOT NULL,
    grain_id_n0      bigint      NOT NULL,
    grain_id_n1      bigint      NOT NULL,
    grain_id_string  text        NULL,
    -- Kept for diagnostics only: the natural key above finds a row, the hashes are the provider's.
    grain_type_hash  integer     NOT NULL,
    grain_id_hash    integer     NOT NULL,
    -- NULL after a clear: the row (and its version) stays so a stale activation still loses.
    payload          bytea       NULL,
    version          integer     NOT NULL,
    modified_at      timestamptz NOT NULL DEFAULT now(),
    -- NULLS NOT DISTINCT (PostgreSQL 15): a grain without a string part is still one row.
    CONSTRAINT orleans_grain_state_key UNIQUE NULLS NOT DISTINCT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
  FROM orleans_grain_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString'),

-- First write (no version yet): insert version 1 unless a row exists. Later writes: replace the
-- payload only if the stored version is the one the grain read. Exactly one row comes back.
('WriteToStorageKey', '
WITH updated AS (
    UPDATE orleans_grain_state
       SET payload = @PayloadBinary, version = version + 1, modified_at = now()
     WHERE @GrainStateVersion::integer IS NOT NULL
       AND service_id = @ServiceId AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion::integer
    RETURNING version),
inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string,
                                     grain_type_hash, grain_id_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainTypeHash, @GrainIdHash, @PayloadBinary, 1
     WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_key DO NOTHING
    RETURNING version)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS NewGrainStateVersion'),

-- Clear keeps the row with no payload and a new version; no row back means a version conflict.
('ClearStorageKey', '
UPDATE orleans_grain_state
   SET payload = NULL, version = version + 1, modified_at = now()
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion::integer
RETURNING version'),

-- For DeleteStateOnClear=true: the row goes; the value returned only has to differ from the old version.
('DeleteStorageKey', '
DELETE FROM orleans_grain_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion::integer
RETURNING version + 1');
