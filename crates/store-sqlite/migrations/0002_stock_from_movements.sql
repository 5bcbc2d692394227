-- Stock moves only through its movements: recording a movement changes the stock, in the
-- same statement. The sum of an article's movements equals its stock by construction, and
-- `apply_movements` needs one statement (the INSERT of its movements) instead of a read,
-- an UPDATE and an INSERT.
--
-- Bounds. 0001 already declares `articles.stock INTEGER NOT NULL CHECK (stock >= 0 AND
-- stock <= 4294967295)`, so neither a RAISE here nor a rebuild of `articles` is needed: a
-- movement that would take a stock below 0 or above u32::MAX makes the trigger's UPDATE
-- fail that CHECK (a sum beyond 64 bits becomes a REAL, which the STRICT INTEGER column
-- refuses), and with it the INSERT that fired the trigger. SQLite then undoes that one
-- statement, the rows it inserted and everything its triggers did, and the transaction
-- goes on unharmed. A movement of an article that does not exist fails the foreign key of
-- `stock_movements.article_id`, checked at the end of the same statement, likewise.

-- Articles whose movements are being recorded as a batch whose deltas are added up before
-- they reach the stock. Row by row, a batch that takes and gives the same article (-7 then
-- +3 on a stock of 5) would go below zero half-way although its sum (-4) fits, and the
-- contract adds the deltas up first. For such an article, `apply_movements` inserts a row
-- here (`after_id`: the last movement id before the batch), records the movements (the
-- trigger below leaves its stock alone meanwhile), then deletes the row: the second
-- trigger adds the sum of the movements recorded since. Empty outside that one query.
CREATE TABLE stock_netting (
    article_id  TEXT    NOT NULL PRIMARY KEY,
    after_id    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stock_movements_move_stock
AFTER INSERT ON stock_movements
FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stock_netting WHERE article_id = NEW.article_id)
BEGIN
    UPDATE articles SET stock = stock + NEW.delta WHERE id = NEW.article_id;
END;

-- (`+article_id` keeps SQLite from using the index on article_id: the rowid range
-- `id > after_id` holds only the batch's rows, the article's index all its history.)
CREATE TRIGGER stock_netting_settle
AFTER DELETE ON stock_netting
FOR EACH ROW
BEGIN
    UPDATE articles
    SET stock = stock + (
        SELECT COALESCE(SUM(delta), 0) FROM stock_movements
        WHERE id > OLD.after_id AND +article_id = OLD.article_id
    )
    WHERE id = OLD.article_id;
END;
