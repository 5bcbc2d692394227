//! The cases of the contract suite (being written).

use std::sync::Arc;

use crate::Database;

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn parties_round_trip(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn company_parents_and_sites(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn people_are_found_by_phone_email_and_name(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn links_are_stored_once_per_role(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn articles_and_references(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn vat_codes_keep_one_default(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn stock_movements_apply_all_or_nothing(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn stock_never_goes_below_zero_under_concurrency(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn opposite_lock_orders_do_not_deadlock(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn sequences_never_repeat_under_concurrency(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn sequences_give_back_numbers_on_rollback(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn orders_round_trip_with_lines_and_history(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn order_numbers_are_unique(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn order_updates_append_history(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn orders_are_searched_and_paged(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn carts_survive_and_change(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn outbox_messages_are_kept(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn idempotency_keys_are_unique(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn changes_are_recorded(db: Arc<dyn Database>) {
    let _ = db;
}

/// Contract case (to be written).
#[allow(clippy::unused_async)]
pub async fn rollback_keeps_nothing(db: Arc<dyn Database>) {
    let _ = db;
}
