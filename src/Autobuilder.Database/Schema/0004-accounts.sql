-- The account directory (issue 11): uploaders, their keys, groups, tokens, upload rights and source
-- owners. One grain (IAccountDirectoryGrain, on the garage) reads all of it at activation and writes
-- each change as one transaction (PostgresAccountStore); account_directory.version is its optimistic
-- check: a change applies only to the version it was made from.

CREATE TABLE account_directory
(
    id      smallint NOT NULL PRIMARY KEY CHECK (id = 1),
    version bigint   NOT NULL
);
INSERT INTO account_directory (id, version) VALUES (1, 0);

CREATE TABLE accounts
(
    login           text        NOT NULL PRIMARY KEY,
    real_name       text        NOT NULL,
    email           text        NOT NULL,
    enabled         boolean     NOT NULL,
    disabled_reason text,
    created_at      timestamptz NOT NULL
);

CREATE TABLE account_groups
(
    login      text NOT NULL REFERENCES accounts (login) ON DELETE CASCADE,
    group_name text NOT NULL,
    PRIMARY KEY (login, group_name)
);

-- One key opens one account's upload area: the fingerprint (SHA256:…, as sshd's %f) is the key.
CREATE TABLE account_ssh_keys
(
    fingerprint text        NOT NULL PRIMARY KEY,
    login       text        NOT NULL REFERENCES accounts (login) ON DELETE CASCADE,
    key_type    text        NOT NULL,
    key_base64  text        NOT NULL,
    comment     text        NOT NULL,
    added_at    timestamptz NOT NULL,
    position    integer     NOT NULL  -- the order 'accounts show' lists them in
);
CREATE INDEX account_ssh_keys_by_login ON account_ssh_keys (login);

-- Every OpenPGP key the directory ever held: removed keys keep removed_at, keys of removed accounts
-- keep their login with account_removed_at (no foreign key, so they outlive the account): the
-- keyring holds them all and the directory names the reason a signature by one is refused.
CREATE TABLE account_openpgp_keys
(
    fingerprint        text        NOT NULL PRIMARY KEY,
    login              text        NOT NULL,
    user_ids           jsonb       NOT NULL,
    expires            timestamptz,
    packets            bytea       NOT NULL,
    added_at           timestamptz NOT NULL,
    removed_at         timestamptz,
    account_removed_at timestamptz,
    position           integer     NOT NULL
);
CREATE INDEX account_openpgp_keys_by_login ON account_openpgp_keys (login);

-- HTTP tokens: only the SHA-256 of the token is kept.
CREATE TABLE account_tokens
(
    login      text        NOT NULL REFERENCES accounts (login) ON DELETE CASCADE,
    token_id   text        NOT NULL,
    note       text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires    timestamptz,
    revoked_at timestamptz,
    token_hash text        NOT NULL,
    position   integer     NOT NULL,
    PRIMARY KEY (login, token_id)
);

-- subject: a login or '@group'; repository and product: a name or '*'; source '' for every source.
CREATE TABLE upload_rights
(
    subject    text NOT NULL,
    repository text NOT NULL,
    product    text NOT NULL,
    source     text NOT NULL DEFAULT '',
    PRIMARY KEY (subject, repository, product, source)
);

-- Source ownership: the first account to upload a source name owns it.
CREATE TABLE source_owners
(
    source text NOT NULL PRIMARY KEY,
    login  text NOT NULL
);
