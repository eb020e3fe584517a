-- Linking an account proves it is the resident's: the phone the utility registered for the
-- account, or the code printed on its bills (kept only as a hash). Each link records which.
-- Kept equivalent to sqlite/0011_link_proof.sql.
ALTER TABLE utility_accounts ADD COLUMN holder_phone TEXT;
ALTER TABLE utility_accounts ADD COLUMN bill_code_hash TEXT;
-- Links made before proofs were asked are marked so.
ALTER TABLE account_links ADD COLUMN proof TEXT NOT NULL DEFAULT 'before_proof';
