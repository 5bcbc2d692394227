-- Order numbers come from one native sequence per site, created on first use, so that
-- concurrent orders of a site never wait for each other's commit to get their number
-- (a row of `sequences` would stay locked until the order's transaction ends). A number
-- taken by a transaction that rolls back is lost: order numbers may have gaps, never
-- repeats. Invoice numbers, which must have no gap, stay in `sequences`.
CREATE FUNCTION next_order_number(site_code TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    sequence_name TEXT := 'order_number_' || lower(site_code);
BEGIN
    IF site_code !~ '^[A-Z][A-Z0-9]{1,7}$' THEN
        RAISE EXCEPTION 'invalid site code %', site_code USING ERRCODE = '22023';
    END IF;
    IF to_regclass(sequence_name) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I', sequence_name);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            -- Another transaction created it meanwhile.
            NULL;
        END;
    END IF;
    RETURN nextval(sequence_name::regclass);
END
$$;
