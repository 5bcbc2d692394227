//! The configuration of what goes out: the selling company named on invoices, the SMTP
//! server (or the folder emails are written to without one), and the outbox worker.

use std::path::PathBuf;
use std::time::Duration;

use app::billing::demo_seller;
use app::delivery::DeliveryPolicy;
use domain::billing::{PostalAddress, Seller, Siren, Siret, VatNumber};
use domain::money::parse_decimal;
use mail::{SmtpSettings, TlsMode};

use crate::ConfigError;

/// Where emails go when no SMTP server is configured.
pub const DEFAULT_MAIL_DIR: &str = "data/mail";

fn invalid(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Invalid {
        variable,
        value: value.to_owned(),
        expected,
    }
}

/// The seller from `OMS_SELLER_*`, or the demo seller when `OMS_SELLER_NAME` is not set
/// (the second value says whether it was configured).
pub(crate) fn seller(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(Seller, bool), ConfigError> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(name) = get("OMS_SELLER_NAME") else {
        return Ok((demo_seller(), false));
    };
    let required = |variable: &'static str| {
        get(variable).ok_or(ConfigError::Invalid {
            variable,
            value: String::new(),
            expected: "required once OMS_SELLER_NAME is set (see docs/operations.md)",
        })
    };
    let siren_text = required("OMS_SELLER_SIREN")?;
    let siren = Siren::new(&siren_text).map_err(|_| {
        invalid(
            "OMS_SELLER_SIREN",
            &siren_text,
            "9 digits passing the Luhn check",
        )
    })?;
    let siret_text = required("OMS_SELLER_SIRET")?;
    let siret = Siret::new(&siret_text)
        .ok()
        .filter(|s| s.siren() == siren.as_str())
        .ok_or_else(|| {
            invalid(
                "OMS_SELLER_SIRET",
                &siret_text,
                "14 digits passing the Luhn check, starting with the SIREN",
            )
        })?;
    let vat_number = match get("OMS_SELLER_VAT_NUMBER") {
        None => VatNumber::french(&siren),
        Some(text) => VatNumber::new(&text).map_err(|_| {
            invalid(
                "OMS_SELLER_VAT_NUMBER",
                &text,
                "an intra-community VAT number",
            )
        })?,
    };
    let capital_text = required("OMS_SELLER_CAPITAL")?;
    let share_capital = parse_decimal(&capital_text, "a share capital").map_err(|_| {
        invalid(
            "OMS_SELLER_CAPITAL",
            &capital_text,
            "an amount in euros, such as 50000",
        )
    })?;
    let email = required("OMS_SELLER_EMAIL")?;
    if domain::party::Email::new(&email).is_err() {
        return Err(invalid("OMS_SELLER_EMAIL", &email, "an email address"));
    }
    let terms_text = get("OMS_PAYMENT_TERMS_DAYS").unwrap_or_else(|| "30".to_owned());
    let payment_terms_days = terms_text
        .parse::<u16>()
        .ok()
        .filter(|d| *d <= 60)
        .ok_or_else(|| {
            invalid(
                "OMS_PAYMENT_TERMS_DAYS",
                &terms_text,
                "0 to 60 days (French law)",
            )
        })?;
    let rate_text = get("OMS_LATE_PENALTY_RATE").unwrap_or_else(|| "12.15".to_owned());
    let late_penalty_rate = parse_decimal(&rate_text, "a rate")
        .ok()
        .filter(|r| r.is_sign_positive() && *r <= rust_decimal::Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            invalid(
                "OMS_LATE_PENALTY_RATE",
                &rate_text,
                "a yearly rate in percent",
            )
        })?;
    let seller = Seller {
        name,
        legal_form: required("OMS_SELLER_LEGAL_FORM")?,
        share_capital,
        siren,
        siret,
        vat_number,
        rcs_town: required("OMS_SELLER_RCS_TOWN")?,
        address: PostalAddress {
            lines: required("OMS_SELLER_ADDRESS")?
                .split('|')
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            postal_code: required("OMS_SELLER_POSTAL_CODE")?,
            town: required("OMS_SELLER_TOWN")?,
            country: get("OMS_SELLER_COUNTRY").unwrap_or_else(|| "FR".to_owned()),
        },
        email,
        phone: get("OMS_SELLER_PHONE"),
        iban: get("OMS_SELLER_IBAN").map(|i| i.replace(' ', "")),
        payment_terms_days,
        late_penalty_rate,
    };
    Ok((seller, true))
}

/// The SMTP server from `OMS_SMTP_*`; `None` when `OMS_SMTP_HOST` is not set.
pub(crate) fn smtp(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<SmtpSettings>, ConfigError> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(host) = get("OMS_SMTP_HOST") else {
        return Ok(None);
    };
    let tls_text = get("OMS_SMTP_TLS").unwrap_or_else(|| "starttls".to_owned());
    let tls = TlsMode::parse(&tls_text)
        .map_err(|_| invalid("OMS_SMTP_TLS", &tls_text, "none, starttls or tls"))?;
    let default_port = match tls {
        TlsMode::None => 25,
        TlsMode::StartTls => 587,
        TlsMode::Tls => 465,
    };
    let port = match get("OMS_SMTP_PORT") {
        None => default_port,
        Some(text) => text
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| invalid("OMS_SMTP_PORT", &text, "a port number, 1 to 65535"))?,
    };
    let mut settings = SmtpSettings::new(host, port, tls);
    settings.username = get("OMS_SMTP_USERNAME");
    settings.password = lookup("OMS_SMTP_PASSWORD");
    if let Some(text) = get("OMS_SMTP_TIMEOUT_SECS") {
        let secs = text
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=300).contains(s))
            .ok_or_else(|| invalid("OMS_SMTP_TIMEOUT_SECS", &text, "1 to 300 seconds"))?;
        settings.timeout = Duration::from_secs(secs);
    }
    Ok(Some(settings))
}

/// `OMS_MAIL_DIR`, default [`DEFAULT_MAIL_DIR`].
pub(crate) fn mail_dir(lookup: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    lookup("OMS_MAIL_DIR")
        .filter(|v| !v.trim().is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_MAIL_DIR), PathBuf::from)
}

/// `OMS_OUTBOX_INTERVAL_MS` (default 1000): how often the worker looks for due messages;
/// `OMS_OUTBOX_WORKER=off` turns the API server's worker off (another process, such as
/// `oms-admin outbox deliver --watch`, then delivers).
pub(crate) fn worker(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Duration>, ConfigError> {
    let enabled = match lookup("OMS_OUTBOX_WORKER").as_deref().map(str::trim) {
        None | Some("" | "on") => true,
        Some("off") => false,
        Some(other) => return Err(invalid("OMS_OUTBOX_WORKER", other, "on or off")),
    };
    let interval = match lookup("OMS_OUTBOX_INTERVAL_MS") {
        None => 1000,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|ms| (10..=600_000).contains(ms))
            .ok_or_else(|| invalid("OMS_OUTBOX_INTERVAL_MS", &text, "10 to 600000 milliseconds"))?,
    };
    Ok(enabled.then_some(Duration::from_millis(interval)))
}

/// The worker's retry policy: `OMS_OUTBOX_FIRST_RETRY_MS` (the wait after a first failure,
/// doubled at each further one; default 30000) and `OMS_OUTBOX_MAX_ATTEMPTS` (attempts
/// before a message is marked failed; default 10).
pub(crate) fn policy(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<DeliveryPolicy, ConfigError> {
    let mut policy = DeliveryPolicy::default();
    if let Some(text) = lookup("OMS_OUTBOX_FIRST_RETRY_MS") {
        let ms = text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|ms| (10..=3_600_000).contains(ms))
            .ok_or_else(|| {
                invalid(
                    "OMS_OUTBOX_FIRST_RETRY_MS",
                    &text,
                    "10 to 3600000 milliseconds",
                )
            })?;
        policy.first_retry = time::Duration::milliseconds(ms);
    }
    if let Some(text) = lookup("OMS_OUTBOX_MAX_ATTEMPTS") {
        policy.max_attempts = text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| invalid("OMS_OUTBOX_MAX_ATTEMPTS", &text, "1 to 100"))?;
    }
    Ok(policy)
}
