-- Invoices and credit notes (`InvoiceStore`), and the legal identifiers of companies.
--
-- A document is stored whole as JSON (`document`, the domain's `Invoice`), as it was
-- issued: lines, parties, addresses and totals are a snapshot, never re-read from the
-- address book or the catalogue. The columns beside it are what it is found and listed by.
-- Triggers refuse any UPDATE or DELETE: an issued invoice never changes, whatever program
-- writes to the database.
CREATE TABLE invoices (
    id          TEXT    NOT NULL PRIMARY KEY,
    number      TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    order_id    TEXT    NOT NULL REFERENCES orders (id),
    issued_at   INTEGER NOT NULL,
    total_ttc   TEXT    NOT NULL,
    document    TEXT    NOT NULL,
    -- An order has at most one invoice and one credit note.
    UNIQUE (order_id, kind)
) STRICT;

CREATE INDEX invoices_by_issue ON invoices (issued_at DESC, number DESC);

CREATE TRIGGER invoices_are_never_changed BEFORE UPDATE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is never changed');
END;

CREATE TRIGGER invoices_are_never_deleted BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is never deleted');
END;

ALTER TABLE societes ADD COLUMN siren TEXT;
ALTER TABLE societes ADD COLUMN vat_number TEXT;
