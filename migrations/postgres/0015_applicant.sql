-- The applicant as the law on appeals asks for them: the name on the appeal (kept on the
-- resident's profile too) and the address where they live.
ALTER TABLE appeals ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN address TEXT NOT NULL DEFAULT '';
