//! The cases of the contract suite. Each one takes a fresh, empty database, goes through the
//! traits only (open a transaction, use the stores, commit), and panics, saying which
//! contract was broken, when the adapter does not do what the traits' documentation says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod catalogue;
mod delivery;
mod invoices;
mod links;
mod orders;
mod parties;
mod payments;
mod placement;
mod records;
mod sequences;
mod stock;
mod support;
mod transactions;

pub use accounts::{accounts_are_stored_once_per_login, session_tokens_are_found_and_revoked};
pub use catalogue::{articles_and_references, vat_codes_keep_one_default};
pub use delivery::{
    claimed_messages_are_never_claimed_twice, delivery_attempts_are_recorded,
    due_messages_are_claimed_oldest_first, leased_messages_wait_for_the_lease,
};
pub use invoices::{invoice_numbers_and_orders_are_unique, invoices_are_kept_as_issued};
pub use links::{addresses_reachable_and_defaults, links_are_stored_once_per_role};
pub use orders::{
    locked_orders_lose_no_update, order_numbers_are_unique, order_updates_append_history,
    orders_are_searched_and_paged, orders_round_trip_with_lines_and_history,
};
pub use parties::{
    company_parents_and_sites, parties_round_trip, people_are_found_by_phone_email_and_name,
};
pub use payments::{payment_references_are_unique_per_provider, payments_round_trip_and_change};
pub use placement::{
    placement_reads_match_the_single_reads, placement_writes_store_order_messages_and_key,
};
pub use records::{
    carts_survive_and_change, changes_are_recorded, idempotency_keys_are_unique,
    outbox_messages_are_kept,
};
pub use sequences::{
    order_numbers_never_repeat_under_concurrency, sequences_give_back_numbers_on_rollback,
    sequences_never_repeat_under_concurrency,
};
pub use stock::{
    opposite_lock_orders_do_not_deadlock, stock_movements_apply_all_or_nothing,
    stock_never_goes_below_zero_under_concurrency, write_transactions_wait_for_the_write_lock,
};
pub use transactions::{read_transactions_see_only_committed_writes, rollback_keeps_nothing};
