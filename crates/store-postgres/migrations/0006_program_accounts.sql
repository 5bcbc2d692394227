-- Accounts of other programs (`AccountRole::Program`): no site, no person.
ALTER TABLE accounts
    DROP CONSTRAINT accounts_role_check,
    DROP CONSTRAINT accounts_person_of_staff_and_customers,
    ADD CONSTRAINT accounts_role_check
        CHECK (role IN ('admin', 'order_taker', 'customer', 'program')),
    ADD CONSTRAINT accounts_person_of_staff_and_customers
        CHECK (role IN ('admin', 'program') OR tiers_id IS NOT NULL),
    ADD CONSTRAINT accounts_no_person_of_programs
        CHECK (role <> 'program' OR tiers_id IS NULL);
