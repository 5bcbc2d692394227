//! Builders of valid values for the contract cases (being written).
