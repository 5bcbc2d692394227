//! The contract suite: what every store adapter must do, checked against a real database.
//!
//! An adapter runs the whole suite from one of its test files:
//!
//! ```ignore
//! ports::contract_suite!(my_adapter_tests::fresh_database().await);
//! ```
//!
//! where the expression gives an `Option<Arc<dyn Database>>`: a fresh, empty, migrated
//! database of its own for each case, or `None` when the database is not available on this
//! machine (the case then says it was skipped; CI never lets that happen).
//! The macro writes one `#[tokio::test]` per case, so a failure names its case.

pub mod cases;
pub mod fixtures;

/// Writes one test per case of the contract suite. See the module's documentation.
#[macro_export]
macro_rules! contract_suite {
    ($make:expr) => {
        $crate::contract_suite!(@cases $make;
            parties_round_trip,
            company_parents_and_sites,
            people_are_found_by_phone_email_and_name,
            links_are_stored_once_per_role,
            addresses_reachable_and_defaults,
            articles_and_references,
            vat_codes_keep_one_default,
            stock_movements_apply_all_or_nothing,
            stock_never_goes_below_zero_under_concurrency,
            opposite_lock_orders_do_not_deadlock,
            write_transactions_wait_for_the_write_lock,
            sequences_never_repeat_under_concurrency,
            sequences_give_back_numbers_on_rollback,
            order_numbers_never_repeat_under_concurrency,
            orders_round_trip_with_lines_and_history,
            order_numbers_are_unique,
            order_updates_append_history,
            locked_orders_lose_no_update,
            orders_are_searched_and_paged,
            payments_round_trip_and_change,
            payment_references_are_unique_per_provider,
            invoices_are_kept_as_issued,
            invoice_numbers_and_orders_are_unique,
            carts_survive_and_change,
            outbox_messages_are_kept,
            due_messages_are_claimed_oldest_first,
            claimed_messages_are_never_claimed_twice,
            delivery_attempts_are_recorded,
            leased_messages_wait_for_the_lease,
            idempotency_keys_are_unique,
            placement_reads_match_the_single_reads,
            placement_writes_store_order_messages_and_key,
            changes_are_recorded,
            accounts_are_stored_once_per_login,
            session_tokens_are_found_and_revoked,
            rollback_keeps_nothing,
            read_transactions_see_only_committed_writes,
        );
    };
    (@cases $make:expr; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                match $make {
                    Some(db) => $crate::contract::cases::$case(db).await,
                    None => eprintln!(
                        "SKIPPED contract case {}: no database to run it against (see the adapter's README)",
                        stringify!($case)
                    ),
                }
            }
        )+
    };
}
