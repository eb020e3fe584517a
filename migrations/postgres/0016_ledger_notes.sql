-- What a ledger row is for, structured (shared::account::LedgerNote as JSON), so each page
-- says it in the reader's language: the month a charge is for, the readings it charges, the
-- way a payment came. NULL for rows written before: their description is the whole note.
ALTER TABLE ledger_entries ADD COLUMN note TEXT;
