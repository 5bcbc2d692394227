//! `/api/v1/auth`, `/api/v1/me` and `/api/v1/accounts`: logging in and out, customers
//! opening their own account, who a token stands for, and the staff accounts an
//! administrator manages.
//!
//! Passwords are never echoed: not in a validation problem, not in a log line (their
//! [`Secret`] type prints as `***` and refuses a non-string without showing it).

use app::parties::{NewCustomer, TiersView};
use app::{Access, AppError, Caller};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use domain::account::{Account, AccountRole, Password};
use domain::ids::{AccountId, SocieteId, TiersId};
use domain::party::{Adresse, CompanyName, Email, PersonName, PhoneNumber, Societe, TiersDetails};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::{bearer, Authenticated, Json, Path};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;
use crate::routes::parties::{AddressInput, PersonDto};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/signup", post(signup))
        .route("/api/v1/me", get(me))
        .route("/api/v1/accounts", post(create_account))
        .route("/api/v1/accounts/{id}/disable", post(disable_account))
        .route("/api/v1/accounts/{id}/enable", post(enable_account))
}

/// A password as sent. It prints as `***`, and a body where it is not a string is refused
/// without showing what was sent.
#[derive(Clone, PartialEq, Eq, ToSchema)]
#[schema(value_type = String, format = Password)]
pub struct Secret(String);

impl Secret {
    /// The password, for the use case only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;

        impl SecretVisitor {
            fn refuse<E: de::Error>(self) -> Result<Secret, E> {
                Err(E::custom("a password must be a string"))
            }
        }

        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a password as a string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret(v))
            }

            // The default answers of these name the value: refuse without it.
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_char<E: de::Error>(self, _: char) -> Result<Secret, E> {
                self.refuse()
            }

            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Secret, E> {
                self.refuse()
            }
        }

        // `deserialize_any`, so that a number reaches the visitor (a typed request would
        // be refused by the deserializer itself, naming the number).
        deserializer.deserialize_any(SecretVisitor)
    }
}

/// A password checked for length, the problem naming `field` and never the password.
fn password(secret: &Secret, field: &str) -> Result<Password, Problem> {
    fields::field(Password::new(secret.expose()), field)
}

/// How to log in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    /// The login: the account's email.
    #[schema(example = "marie.dupont@example.fr")]
    #[schema(schema_with = constraints::email)]
    pub login: String,
    /// The password.
    #[schema(schema_with = constraints::password)]
    pub password: Secret,
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    /// Its id.
    pub id: String,
    /// Its login (an email).
    pub login: String,
    /// `admin`, `order_taker` or `customer`.
    pub role: String,
    /// An order taker's site (a company id).
    pub site: Option<String>,
    /// The person it belongs to (their id); always set for order takers and customers.
    pub person: Option<String>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// A disabled account cannot log in.
    pub disabled: bool,
}

impl From<&Account> for AccountDto {
    fn from(a: &Account) -> Self {
        AccountDto {
            id: a.id.to_string(),
            login: a.login.to_string(),
            role: a.role.as_str().to_owned(),
            site: match a.role {
                AccountRole::OrderTaker { site } => Some(site.to_string()),
                AccountRole::Admin | AccountRole::Customer | AccountRole::Program => None,
            },
            person: a.tiers.map(|t| t.to_string()),
            created_at: a.created_at,
            disabled: a.disabled,
        }
    }
}

/// A session opened by logging in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// The token to send as `Authorization: Bearer <token>`; shown this once.
    pub token: String,
    /// When the token stops working.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// The account logged in.
    pub account: AccountDto,
}

/// Logs in with a login and a password, and opens a session. An unknown login and a wrong
/// password get the same answer.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginInput,
    responses(
        (status = 200, description = "Logged in", body = SessionDto),
        (status = 401, description = "Wrong login or password, or a disabled account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The login is not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    Json(input): Json<LoginInput>,
) -> Result<axum::Json<SessionDto>, Problem> {
    let login = fields::field(Email::new(&input.login), "login")?;
    if input.password.expose().chars().count() > Password::MAX_LEN {
        // No account has such a password: the same answer as any wrong one.
        return Err(Problem::from(AppError::Unauthorized(
            "wrong login or password".to_owned(),
        )));
    }
    let session = state.app.log_in(&login, input.password.expose()).await?;
    Ok(axum::Json(SessionDto {
        token: session.token,
        expires_at: session.expires_at,
        account: AccountDto::from(&session.account),
    }))
}

/// The bearer token of a request that must have one.
#[derive(Debug, Clone)]
pub(crate) struct BearerToken(String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match bearer(parts)? {
            Some(token) => Ok(BearerToken(token.to_owned())),
            None => Err(Problem::unauthorized(
                "send the token to revoke as Authorization: Bearer <token>",
            )),
        }
    }
}

/// Logs out: the bearer token stops working.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "accounts",
    responses(
        (status = 204, description = "The token no longer works"),
        (status = 401, description = "No token, or an unknown or already revoked one", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, Problem> {
    state.app.log_out(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A customer opening their own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    /// Last name.
    #[schema(example = "Dupont")]
    #[schema(schema_with = constraints::person_name)]
    pub last_name: String,
    /// First name.
    #[schema(example = "Marie")]
    #[schema(schema_with = constraints::person_name_or_null)]
    pub first_name: Option<String>,
    /// Mobile phone.
    #[schema(example = "+33 6 12 34 56 78")]
    #[schema(schema_with = constraints::phone_or_null)]
    pub mobile: Option<String>,
    /// Email: the login of the account.
    #[schema(example = "marie.dupont@example.fr")]
    #[schema(schema_with = constraints::email)]
    pub email: String,
    /// The password: 12 to 256 characters.
    #[schema(schema_with = constraints::password)]
    pub password: Secret,
    /// The company's name, for a business customer; the person's name otherwise.
    #[schema(schema_with = constraints::company_name_or_null)]
    pub company: Option<String>,
    /// The customer's address (for delivery and billing).
    pub address: AddressInput,
}

impl SignupInput {
    fn to_new_customer(&self) -> Result<NewCustomer, Problem> {
        let name = |text: &str, f: &str| fields::field(PersonName::new(text), f);
        Ok(NewCustomer {
            details: TiersDetails {
                last_name: name(&self.last_name, "last_name")?,
                first_name: self
                    .first_name
                    .as_deref()
                    .map(|t| name(t, "first_name"))
                    .transpose()?,
                mobile: self
                    .mobile
                    .as_deref()
                    .map(|t| fields::field(PhoneNumber::new(t), "mobile"))
                    .transpose()?,
                email: Some(fields::field(Email::new(&self.email), "email")?),
            },
            company: self
                .company
                .as_deref()
                .map(|t| fields::field(CompanyName::new(t), "company"))
                .transpose()?,
            address: self.address.details("address")?,
        })
    }
}

/// A company a person belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileCompanyDto {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The roles of the person in it: `internal`, `customer`, `payer`, `recipient`.
    pub roles: Vec<String>,
}

/// An address of a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAddressDto {
    /// Its id (the `delivery_address` or `billing_address` of an order).
    pub id: String,
    /// The street lines.
    pub lines: String,
    /// The postal code.
    pub postal_code: String,
    /// The town.
    pub town: String,
    /// The country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Access remarks.
    pub access_notes: Option<String>,
    /// Landline.
    pub landline: Option<String>,
    /// Bank details.
    pub bank_details: Option<String>,
    /// The roles of the address for the person: `customer`, `payer`, `recipient`, ...
    pub roles: Vec<String>,
}

impl ProfileAddressDto {
    fn new(a: &Adresse, roles: Vec<String>) -> Self {
        let d = &a.details;
        ProfileAddressDto {
            id: a.id.to_string(),
            lines: d.lines.to_string(),
            postal_code: d.postal_code.to_string(),
            town: d.town.to_string(),
            country: d.country.to_string(),
            access_notes: d.access_notes.as_ref().map(ToString::to_string),
            landline: d.landline.as_ref().map(ToString::to_string),
            bank_details: d.bank_details.as_ref().map(ToString::to_string),
            roles,
        }
    }
}

fn company(s: &Societe, roles: Vec<String>) -> ProfileCompanyDto {
    ProfileCompanyDto {
        id: s.id.to_string(),
        name: s.name.to_string(),
        roles,
    }
}

/// What signing up created.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignupDto {
    /// The customer's account; log in with its login and the password.
    pub account: AccountDto,
    /// The person.
    pub person: PersonDto,
    /// Their company (a company of one person for a private customer).
    pub company: ProfileCompanyDto,
    /// Their address.
    pub address: ProfileAddressDto,
}

/// A customer opens their own account: the person, their company and their address, and
/// an account logging in with their email. Then they log in.
#[utoipa::path(
    post, path = "/api/v1/auth/signup", tag = "accounts",
    request_body = SignupInput,
    responses(
        (status = 201, description = "Account opened", body = SignupDto),
        (status = 409, description = "An account already uses this email", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (the password is never shown)", body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn signup(
    State(state): State<AppState>,
    Json(input): Json<SignupInput>,
) -> Result<(StatusCode, axum::Json<SignupDto>), Problem> {
    let new = input.to_new_customer()?;
    let password = password(&input.password, "password")?;
    let (account, registered) = state.app.sign_up(&new, &password).await?;
    let roles = ["customer", "payer", "recipient"]
        .map(str::to_owned)
        .to_vec();
    Ok((
        StatusCode::CREATED,
        axum::Json(SignupDto {
            account: AccountDto::from(&account),
            person: PersonDto::from(&registered.tiers),
            company: company(&registered.societe, roles.clone()),
            address: ProfileAddressDto::new(&registered.adresse, roles),
        }),
    ))
}

/// Who a token stands for.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// The account's id (what `PATCH /api/v1/accounts/{id}` and the change log name it
    /// by); absent for a caller that is not an account.
    pub account: Option<String>,
    /// The login (an email), or the name changes are recorded under.
    pub login: String,
    /// `admin`, `order_taker` or `customer`.
    pub role: String,
    /// An order taker's site (a company id).
    pub site: Option<String>,
    /// The person behind the account, for customers and order takers.
    pub person: Option<PersonDto>,
    /// Their companies, with their roles in each.
    pub companies: Vec<ProfileCompanyDto>,
    /// Their addresses, with the roles of each: what checkout takes as
    /// `delivery_address` and `billing_address`.
    pub addresses: Vec<ProfileAddressDto>,
}

/// Groups the roles of links to the same party, in the order first seen.
fn grouped<'a, T: 'a, K: PartialEq>(
    links: impl IntoIterator<Item = (&'a domain::party::Role, &'a T)>,
    key: impl Fn(&T) -> K,
) -> Vec<(&'a T, Vec<String>)> {
    let mut groups: Vec<(&T, Vec<String>)> = Vec::new();
    for (role, party) in links {
        let role = role.as_str().to_owned();
        match groups.iter_mut().find(|(p, _)| key(p) == key(party)) {
            Some((_, roles)) => roles.push(role),
            None => groups.push((party, vec![role])),
        }
    }
    groups
}

fn me_dto(caller: &Caller, person: Option<&TiersView>) -> MeDto {
    let (role, site) = match caller.access {
        Access::Staff => ("admin", None),
        Access::OrderTaker { site, .. } => ("order_taker", Some(site.to_string())),
        Access::Customer(_) => ("customer", None),
        Access::Program(_) => ("program", None),
        Access::Guest => ("guest", None),
        Access::System => ("system", None),
    };
    let (companies, addresses) = match person {
        None => (Vec::new(), Vec::new()),
        Some(view) => (
            grouped(view.companies.iter().map(|(r, s)| (r, s)), |s: &Societe| {
                s.id
            })
            .into_iter()
            .map(|(s, roles)| company(s, roles))
            .collect(),
            grouped(view.addresses.iter().map(|(r, a)| (r, a)), |a: &Adresse| {
                a.id
            })
            .into_iter()
            .map(|(a, roles)| ProfileAddressDto::new(a, roles))
            .collect(),
        ),
    };
    MeDto {
        account: None,
        login: caller.actor.to_string(),
        role: role.to_owned(),
        site,
        person: person.map(|v| PersonDto::from(&v.tiers)),
        companies,
        addresses,
    }
}

/// The account and the person behind the bearer token, with the person's companies and
/// addresses.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "accounts",
    responses(
        (status = 200, body = MeDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn me(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<MeDto>, Problem> {
    let tiers: Option<TiersId> = match caller.access {
        Access::Customer(tiers) | Access::OrderTaker { tiers, .. } => Some(tiers),
        Access::Staff | Access::Program(_) | Access::Guest | Access::System => None,
    };
    let person = match tiers {
        Some(tiers) => Some(state.app.tiers(&caller, tiers).await?),
        None => None,
    };
    let mut me = me_dto(&caller, person.as_ref());
    me.account = state
        .app
        .account_id_of(&caller)
        .await?
        .map(|id| id.to_string());
    Ok(axum::Json(me))
}

/// What a staff account may do.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// An administrator: everything.
    Admin,
    /// An order taker at a site.
    OrderTaker,
    /// Another program: places orders of source `api` and sees those only.
    Program,
}

/// A staff account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountInput {
    /// The login: an email.
    #[schema(example = "preneur.lyon@example.fr")]
    #[schema(schema_with = constraints::email)]
    pub login: String,
    /// The password: 12 to 256 characters.
    #[schema(schema_with = constraints::password)]
    pub password: Secret,
    /// `admin`, `order_taker` or `program`.
    pub role: StaffRole,
    /// The order taker's site (a company id); only for order takers.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub site: Option<String>,
    /// The person the account belongs to (their id); required for order takers.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub person: Option<String>,
}

/// The use case names the person `tiers`: this API calls it `person`.
fn person_field(err: AppError) -> Problem {
    match err {
        AppError::Invalid { field, message } if field == "tiers" => {
            Problem::invalid("person", message)
        }
        other => Problem::from(other),
    }
}

/// Creates a staff account (administrators only): an administrator, or an order taker
/// attached to a site and a person.
#[utoipa::path(
    post, path = "/api/v1/accounts", tag = "accounts",
    request_body = NewAccountInput,
    responses(
        (status = 201, description = "Created", body = AccountDto),
        (status = 409, description = "The login is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, an unknown site or person (the password is never shown)", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<NewAccountInput>,
) -> Result<(StatusCode, axum::Json<AccountDto>), Problem> {
    let login = fields::field(Email::new(&input.login), "login")?;
    let password = password(&input.password, "password")?;
    let site = input
        .site
        .as_deref()
        .map(|s| fields::id(s, "site", SocieteId::parse))
        .transpose()?;
    let person = input
        .person
        .as_deref()
        .map(|p| fields::id(p, "person", TiersId::parse))
        .transpose()?;
    let role = match (input.role, site) {
        (StaffRole::Admin, None) => AccountRole::Admin,
        (StaffRole::Program, None) => AccountRole::Program,
        (StaffRole::Admin | StaffRole::Program, Some(_)) => {
            return Err(Problem::invalid("site", "only an order taker has a site"))
        }
        (StaffRole::OrderTaker, Some(site)) => AccountRole::OrderTaker { site },
        (StaffRole::OrderTaker, None) => {
            return Err(Problem::invalid(
                "site",
                "an order taker's account needs the id of their site",
            ))
        }
    };
    if role == AccountRole::Program && person.is_some() {
        return Err(Problem::invalid(
            "person",
            "a program's account has no person behind it",
        ));
    }
    if matches!(role, AccountRole::OrderTaker { .. }) && person.is_none() {
        return Err(Problem::invalid(
            "person",
            "an order taker's account needs the id of the person it belongs to",
        ));
    }
    let account = state
        .app
        .create_account(&caller, &login, &password, role, person)
        .await
        .map_err(person_field)?;
    Ok((StatusCode::CREATED, axum::Json(AccountDto::from(&account))))
}

/// Disables an account (administrators only): it can no longer log in, and its tokens
/// stop working.
#[utoipa::path(
    post, path = "/api/v1/accounts/{id}/disable", tag = "accounts",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Disabled"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn disable_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AccountId>,
) -> Result<StatusCode, Problem> {
    state.app.set_account_disabled(&caller, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enables a disabled account again (administrators only): it can log in again.
#[utoipa::path(
    post, path = "/api/v1/accounts/{id}/enable", tag = "accounts",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Enabled"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn enable_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AccountId>,
) -> Result<StatusCode, Problem> {
    state.app.set_account_disabled(&caller, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
