//! What the binaries share at start: the configuration, read once from the environment
//! into a typed [`Config`] with working defaults, and the database it names, opened and
//! migrated ([`open_database`]).

pub mod measure;
mod outgoing;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use outgoing::DEFAULT_MAIL_DIR;

use app::payments::{CallbackSecret, TestCardProvider};
use app::system::{SystemClock, UuidIds};
use app::{App, Caller, Settings};
use domain::order::SiteCode;
use domain::party::CompanyName;
use ports::{Database, StoreError};
use thiserror::Error;

/// The database used when none is configured: a SQLite file in a local data folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/oms.db";

/// The configuration, from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://path` (the default, [`DEFAULT_DATABASE_URL`]) or
    /// `postgres://user@host:port/database`.
    pub database_url: String,
    /// `OMS_DB_MAX_CONNECTIONS`: the PostgreSQL pool size (default 16).
    pub max_connections: u32,
    /// `OMS_LEAD_DAYS`: the supplier's lead time in working days (default 2).
    pub lead_days: u16,
    /// `OMS_ONLINE_SITE`: the site code online orders are numbered under (default `WEB`).
    pub online_site: SiteCode,
    /// `OMS_TEST_PAYMENT_SECRET`: what the test card processor signs its callbacks with
    /// (at least 16 characters); a random secret of the process when absent, so that
    /// nobody outside can forge them.
    pub test_payment_secret: Option<CallbackSecret>,
    /// `OMS_SELLER_*`: the selling company its invoices name (see docs/operations.md); a
    /// demo company, clearly named so, when `OMS_SELLER_NAME` is not set.
    pub seller: domain::billing::Seller,
    /// Whether the seller was configured (rather than the demo one).
    pub seller_configured: bool,
    /// `OMS_SMTP_*`: the SMTP server; `None` writes emails as `.eml` files to `mail_dir`.
    pub smtp: Option<mail::SmtpSettings>,
    /// `OMS_MAIL_DIR`: where emails are written without SMTP (default `data/mail`).
    pub mail_dir: PathBuf,
    /// `OMS_OUTBOX_WORKER` / `OMS_OUTBOX_INTERVAL_MS`: how often the API server's outbox
    /// worker runs (default every second); `None` when it is off.
    pub outbox_interval: Option<Duration>,
    /// `OMS_OUTBOX_FIRST_RETRY_MS` / `OMS_OUTBOX_MAX_ATTEMPTS`: how failed deliveries are
    /// retried.
    pub outbox_policy: app::delivery::DeliveryPolicy,
    /// `OMS_PUBLIC_URL`: the shop's address, as emails' links name it (default
    /// `http://localhost:8080`).
    pub public_url: String,
    /// `OMS_UNPAID_CANCEL_HOURS`: how long an online order may stay unpaid before it is
    /// cancelled (default 48).
    pub unpaid_hours: u32,
}

/// A configuration value that cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// An environment variable has a value that cannot be used.
    #[error("{variable}={value:?} is not valid: {expected}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// The database cannot be opened.
    #[error("cannot open the database {url}: {source}")]
    Database {
        /// The URL, without its password.
        url: String,
        /// Why.
        source: StoreError,
    },
}

impl Config {
    /// Reads the configuration from the process environment.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the variable at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration from any source of variables (tests give a map).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the variable at fault.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:") || is_postgres(&database_url)) {
            return Err(ConfigError::Invalid {
                variable: "DATABASE_URL",
                value: redact(&database_url),
                expected: "sqlite://path/to/file.db or postgres://user@host:5432/database",
            });
        }
        let number = |variable: &'static str, default: u32, max: u32| -> Result<u32, ConfigError> {
            match lookup(variable) {
                None => Ok(default),
                Some(value) => value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or(ConfigError::Invalid {
                        variable,
                        value,
                        expected: "a whole number within bounds (see docs/operations.md)",
                    }),
            }
        };
        let max_connections = number("OMS_DB_MAX_CONNECTIONS", 16, 1000)?;
        let lead_days = u16::try_from(number("OMS_LEAD_DAYS", 2, 365)?).unwrap_or(2);
        let online_site = match lookup("OMS_ONLINE_SITE") {
            None => SiteCode::new("WEB"),
            Some(value) => SiteCode::new(&value),
        }
        .map_err(|_| ConfigError::Invalid {
            variable: "OMS_ONLINE_SITE",
            value: lookup("OMS_ONLINE_SITE").unwrap_or_default(),
            expected: "2 to 8 letters or digits starting with a letter",
        })?;
        let test_payment_secret = lookup("OMS_TEST_PAYMENT_SECRET")
            .map(|value| {
                CallbackSecret::new(&value).ok_or(ConfigError::Invalid {
                    variable: "OMS_TEST_PAYMENT_SECRET",
                    value: "(not shown)".to_owned(),
                    expected: "a secret of at least 16 characters",
                })
            })
            .transpose()?;
        let (seller, seller_configured) = outgoing::seller(&lookup)?;
        let public_url = match lookup("OMS_PUBLIC_URL") {
            None => "http://localhost:8080".to_owned(),
            Some(value) => {
                let url = value.trim().trim_end_matches('/').to_owned();
                let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
                if !scheme_ok || url.chars().any(char::is_whitespace) {
                    return Err(ConfigError::Invalid {
                        variable: "OMS_PUBLIC_URL",
                        value,
                        expected: "an address starting with http:// or https://",
                    });
                }
                url
            }
        };
        let unpaid_hours = number("OMS_UNPAID_CANCEL_HOURS", 48, 24 * 365)?;
        Ok(Config {
            public_url,
            unpaid_hours,
            database_url,
            max_connections,
            lead_days,
            online_site,
            test_payment_secret,
            seller,
            seller_configured,
            smtp: outgoing::smtp(&lookup)?,
            mail_dir: outgoing::mail_dir(&lookup),
            outbox_interval: outgoing::worker(&lookup)?,
            outbox_policy: outgoing::policy(&lookup)?,
        })
    }

    /// The use cases' settings.
    pub fn settings(&self) -> Settings {
        Settings {
            lead_days: self.lead_days,
            online_site: self.online_site.clone(),
            seller: self.seller.clone(),
            public_url: self.public_url.clone(),
            unpaid_delay: time::Duration::hours(i64::from(self.unpaid_hours)),
            ..Settings::default()
        }
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The mailer: SMTP when configured, else `.eml` files in the mail folder.
///
/// # Errors
/// [`ConfigError::Invalid`] when the SMTP settings cannot be used.
pub fn mailer(config: &Config) -> Result<Arc<dyn ports::Mailer>, ConfigError> {
    mail::mailer_from(config.smtp.clone(), config.mail_dir.clone()).map_err(|e| {
        ConfigError::Invalid {
            variable: "OMS_SMTP_HOST",
            value: e.to_string(),
            expected: "an SMTP server that can be reached (see docs/operations.md)",
        }
    })
}

/// Opens the database the URL names (SQLite or PostgreSQL) and applies its migrations.
///
/// # Errors
/// [`ConfigError::Database`] when it cannot be opened or migrated.
pub async fn open_database(
    url: &str,
    max_connections: u32,
) -> Result<Arc<dyn Database>, ConfigError> {
    let opened: Result<Arc<dyn Database>, StoreError> = if is_postgres(url) {
        store_postgres::PostgresDatabase::connect(url, max_connections)
            .await
            .map(|db| Arc::new(db) as Arc<dyn Database>)
    } else {
        store_sqlite::SqliteDatabase::open(url)
            .await
            .map(|db| Arc::new(db) as Arc<dyn Database>)
    };
    opened.map_err(|source| ConfigError::Database {
        url: redact(url),
        source,
    })
}

/// The use cases over the configured database, with the system clock and UUID ids; the
/// online site is created if it does not exist yet.
///
/// # Errors
/// [`ConfigError::Database`] when the database cannot be opened, migrated or written.
pub async fn build_app(config: &Config) -> Result<App, ConfigError> {
    let db = open_database(&config.database_url, config.max_connections).await?;
    let mut app = App::new(
        db,
        Arc::new(SystemClock),
        Arc::new(UuidIds),
        config.settings(),
    );
    if let Some(secret) = &config.test_payment_secret {
        app = app.with_payment_provider(Arc::new(TestCardProvider::new(secret.clone())));
    }
    let name = CompanyName::new("Boutique en ligne").map_err(|e| ConfigError::Database {
        url: redact(&config.database_url),
        source: StoreError::Corrupt(e.to_string()),
    })?;
    app.ensure_site(&Caller::system(), &config.online_site, &name)
        .await
        .map_err(|e| ConfigError::Database {
            url: redact(&config.database_url),
            source: match e {
                app::AppError::Store(s) => s,
                other => StoreError::Corrupt(other.to_string()),
            },
        })?;
    Ok(app)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_a_local_sqlite_file() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.lead_days, 2);
        assert_eq!(c.online_site.as_str(), "WEB");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = config(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(err.to_string().starts_with("DATABASE_URL="), "{err}");
        let err = config(&[("OMS_LEAD_DAYS", "-1")]).unwrap_err();
        assert!(err.to_string().starts_with("OMS_LEAD_DAYS="), "{err}");
        let err = config(&[("OMS_ONLINE_SITE", "w")]).unwrap_err();
        assert!(err.to_string().starts_with("OMS_ONLINE_SITE="), "{err}");
        let err = config(&[("OMS_TEST_PAYMENT_SECRET", "short secret")]).unwrap_err();
        assert!(
            err.to_string().starts_with("OMS_TEST_PAYMENT_SECRET="),
            "{err}"
        );
        assert!(
            !err.to_string().contains("short secret"),
            "never shown: {err}"
        );
    }

    #[test]
    fn the_test_processor_s_secret_is_configured_or_random() {
        assert_eq!(config(&[]).unwrap().test_payment_secret, None);
        let c = config(&[("OMS_TEST_PAYMENT_SECRET", "a secret of sixteen+")]).unwrap();
        assert_eq!(
            c.test_payment_secret,
            CallbackSecret::new("a secret of sixteen+")
        );
        assert!(!format!("{c:?}").contains("sixteen"), "never shown in logs");
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://oms:secret@db:5432/oms"),
            "postgres://oms:***@db:5432/oms"
        );
        assert_eq!(redact("postgres://oms@db/oms"), "postgres://oms@db/oms");
    }

    #[test]
    fn without_seller_nor_smtp_the_demo_seller_writes_to_the_mail_folder() {
        let c = config(&[]).unwrap();
        assert!(!c.seller_configured);
        assert_eq!(c.seller, app::billing::demo_seller());
        assert_eq!(c.smtp, None);
        assert_eq!(c.mail_dir, PathBuf::from(DEFAULT_MAIL_DIR));
        assert_eq!(c.outbox_interval, Some(Duration::from_secs(1)));
    }

    #[test]
    fn a_configured_seller_needs_every_legal_mention() {
        let full = [
            ("OMS_SELLER_NAME", "Boulons & Fils"),
            ("OMS_SELLER_LEGAL_FORM", "SAS"),
            ("OMS_SELLER_CAPITAL", "50000"),
            ("OMS_SELLER_SIREN", "732 829 320"),
            ("OMS_SELLER_SIRET", "73282932000074"),
            ("OMS_SELLER_RCS_TOWN", "Lyon"),
            ("OMS_SELLER_ADDRESS", "12 rue de la Forge|Bât. A"),
            ("OMS_SELLER_POSTAL_CODE", "69003"),
            ("OMS_SELLER_TOWN", "Lyon"),
            ("OMS_SELLER_EMAIL", "factures@boulons.example"),
        ];
        let c = config(&full).unwrap();
        assert!(c.seller_configured);
        assert_eq!(c.seller.vat_number.as_str(), "FR44732829320");
        assert_eq!(c.seller.address.lines, vec!["12 rue de la Forge", "Bât. A"]);
        assert_eq!(c.seller.payment_terms_days, 30);
        let without_siret: Vec<_> = full
            .iter()
            .copied()
            .filter(|(k, _)| *k != "OMS_SELLER_SIRET")
            .collect();
        let err = config(&without_siret).unwrap_err().to_string();
        assert!(err.contains("OMS_SELLER_SIRET"), "{err}");
        let mut other_siren = full.to_vec();
        other_siren[4] = ("OMS_SELLER_SIRET", "12345678200010");
        let err = config(&other_siren).unwrap_err().to_string();
        assert!(err.contains("starting with the SIREN"), "{err}");
    }

    #[test]
    fn smtp_settings_take_their_port_from_the_tls_mode() {
        let c = config(&[
            ("OMS_SMTP_HOST", "smtp.example.fr"),
            ("OMS_SMTP_TLS", "tls"),
        ])
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, mail::TlsMode::Tls));
        let c = config(&[("OMS_SMTP_HOST", "localhost"), ("OMS_SMTP_TLS", "none")]).unwrap();
        assert_eq!(c.smtp.unwrap().port, 25);
        let err = config(&[("OMS_SMTP_HOST", "x"), ("OMS_SMTP_TLS", "ssl")]).unwrap_err();
        assert!(err.to_string().contains("OMS_SMTP_TLS"));
        let err = config(&[("OMS_OUTBOX_WORKER", "maybe")]).unwrap_err();
        assert!(err.to_string().contains("OMS_OUTBOX_WORKER"));
        assert_eq!(
            config(&[("OMS_OUTBOX_WORKER", "off")])
                .unwrap()
                .outbox_interval,
            None
        );
    }
}
