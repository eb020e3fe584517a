-- Card charges through a real processor (Payme's Subscribe API): which processor, its card
-- token while the charge waits for the code, and its receipt. The code then goes to the
-- card's own phone by the processor, so `phone` holds the masked number it named and
-- `code_hash` stays empty. Kept equivalent to sqlite/0012_card_processor.sql.
ALTER TABLE card_charges ADD COLUMN processor TEXT NOT NULL DEFAULT 'sandbox';
ALTER TABLE card_charges ADD COLUMN processor_token TEXT;
ALTER TABLE card_charges ADD COLUMN receipt_id TEXT;
