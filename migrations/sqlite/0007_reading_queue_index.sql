-- The inspector's queue by district and service: pending readings of one place and service
-- come out already in order, so an inspector whose districts hold a small share of the
-- country's pending readings does not walk past everyone else's.
CREATE INDEX meter_readings_scope_queue ON meter_readings (district_soato, service_code, submitted_at, id)
    WHERE status = 'pending';
