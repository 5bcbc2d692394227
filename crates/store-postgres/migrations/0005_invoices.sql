-- Invoices and credit notes (`InvoiceStore`), and the legal identifiers of companies.
--
-- A document is stored whole as JSON (`document`, the domain's `Invoice`), as it was
-- issued: lines, parties, addresses and totals are a snapshot, never re-read from the
-- address book or the catalogue. The columns beside it are what it is found and listed by.
-- A trigger refuses any UPDATE, DELETE or TRUNCATE: an issued invoice never changes,
-- whatever program writes to the database.
CREATE TABLE invoices (
    id          uuid        NOT NULL PRIMARY KEY,
    number      text        NOT NULL UNIQUE,
    kind        text        NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    order_id    uuid        NOT NULL REFERENCES orders (id),
    issued_at   timestamptz NOT NULL,
    total_ttc   numeric     NOT NULL,
    document    jsonb       NOT NULL,
    -- An order has at most one invoice and one credit note.
    UNIQUE (order_id, kind)
);

CREATE INDEX invoices_by_issue ON invoices (issued_at DESC, number DESC);

CREATE FUNCTION invoices_are_never_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an issued invoice is never changed nor deleted'
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER invoices_are_never_changed BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_are_never_changed();
CREATE TRIGGER invoices_are_never_truncated BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_are_never_changed();

ALTER TABLE societes ADD COLUMN siren text, ADD COLUMN vat_number text;
