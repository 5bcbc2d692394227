//! `/api/v1/companies`, `/api/v1/people`, `/api/v1/addresses`, `/api/v1/links`,
//! `/api/v1/sites`, `/api/v1/customers` and `/api/v1/changes`: the parties, their links,
//! finding and registering customers, and the record of who changed what.

use app::parties::{
    LinkInput as PartiesLink, NewCustomer, RegisteredCustomer, SocieteInput, SocieteView, TiersView,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Router;
use domain::billing::{Siren, VatNumber};
use domain::ids::{AdresseId, ArticleId, CommandeId, LinkId, SocieteId, TiersId};
use domain::order::SiteCode;
use domain::party::{
    AddressLines, Adresse, AdresseDetails, CompanyName, CountryCode, Email, PersonName,
    PhoneNumber, PostalCode, Role, Societe, Tiers, TiersDetails, Town,
};
use domain::ValueError;
use ports::{ChangeRecord, EntityKind, LinkKind, LinkRecord};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, Json, Path, Query};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/companies", post(create_company))
        .route(
            "/api/v1/companies/{id}",
            get(show_company).put(update_company),
        )
        .route("/api/v1/people", post(create_person))
        .route("/api/v1/people/{id}", get(show_person).put(update_person))
        .route("/api/v1/addresses", post(create_address))
        .route(
            "/api/v1/addresses/{id}",
            get(show_address).put(update_address),
        )
        .route(
            "/api/v1/links",
            post(create_link).delete(remove_link_between),
        )
        .route("/api/v1/links/{kind}/{id}", delete(remove_link))
        .route("/api/v1/sites", get(sites))
        .route(
            "/api/v1/customers",
            get(find_customers).post(register_customer),
        )
        .route("/api/v1/changes", get(changes))
}

/// `name` inside `prefix` (`person.last_name`), or `name` alone.
fn at(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// An optional text read into a domain value, its error naming the field.
fn optional<T>(
    text: Option<&str>,
    name: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<Option<T>, Problem> {
    text.map(|t| fields::field(parse(t), name)).transpose()
}

// ---------------------------------------------------------------------------------------
// What the routes take and give.
// ---------------------------------------------------------------------------------------

/// The role a link gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    /// The supplier's own: an order taker at a site, a site's address.
    Internal,
    /// Who orders.
    Customer,
    /// Who is invoiced.
    Payer,
    /// Who receives the delivery.
    Recipient,
}

impl From<Role> for RoleDto {
    fn from(role: Role) -> Self {
        match role {
            Role::Internal => RoleDto::Internal,
            Role::Customer => RoleDto::Customer,
            Role::Payer => RoleDto::Payer,
            Role::Recipient => RoleDto::Recipient,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(role: RoleDto) -> Self {
        match role {
            RoleDto::Internal => Role::Internal,
            RoleDto::Customer => Role::Customer,
            RoleDto::Payer => Role::Payer,
            RoleDto::Recipient => Role::Recipient,
        }
    }
}

/// What a link joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKindDto {
    /// A person in a company: `from` is the company, `to` the person.
    CompanyPerson,
    /// A person's address: `from` is the person, `to` the address.
    PersonAddress,
    /// A company's address: `from` is the company, `to` the address.
    CompanyAddress,
}

impl LinkKindDto {
    const EXPECTED: &'static str = "one of company-person, person-address, company-address";

    fn parse(text: &str) -> Option<Self> {
        match text {
            "company-person" => Some(LinkKindDto::CompanyPerson),
            "person-address" => Some(LinkKindDto::PersonAddress),
            "company-address" => Some(LinkKindDto::CompanyAddress),
            _ => None,
        }
    }

    fn store_kind(self) -> LinkKind {
        match self {
            LinkKindDto::CompanyPerson => LinkKind::SocieteTiers,
            LinkKindDto::PersonAddress => LinkKind::TiersAdresse,
            LinkKindDto::CompanyAddress => LinkKind::SocieteAdresse,
        }
    }

    /// The use case's link between these two ids, each error naming its field.
    fn link(self, from: &str, to: &str) -> Result<PartiesLink, Problem> {
        Ok(match self {
            LinkKindDto::CompanyPerson => PartiesLink::SocieteTiers(
                fields::id(from, "from", SocieteId::parse)?,
                fields::id(to, "to", TiersId::parse)?,
            ),
            LinkKindDto::PersonAddress => PartiesLink::TiersAdresse(
                fields::id(from, "from", TiersId::parse)?,
                fields::id(to, "to", AdresseId::parse)?,
            ),
            LinkKindDto::CompanyAddress => PartiesLink::SocieteAdresse(
                fields::id(from, "from", SocieteId::parse)?,
                fields::id(to, "to", AdresseId::parse)?,
            ),
        })
    }
}

/// A company, new or changed. A change replaces every field: an absent parent, site code
/// or email clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    /// Its name, 1 to 200 characters.
    #[schema(example = "Durand SARL")]
    #[schema(schema_with = constraints::company_name)]
    pub name: String,
    /// Its parent company's id.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub parent: Option<String>,
    /// Its site code, for a site of the supplier: 2 to 8 letters or digits starting with a
    /// letter.
    #[schema(example = "LYON")]
    #[schema(schema_with = constraints::site_code_or_null)]
    pub site_code: Option<String>,
    /// Its email (a site receives its validated orders there).
    #[schema(schema_with = constraints::email_or_null)]
    pub email: Option<String>,
    /// Its SIREN, for a French business: 9 digits (printed on its invoices).
    #[schema(example = "732829320")]
    #[schema(schema_with = constraints::siren_or_null)]
    pub siren: Option<String>,
    /// Its intra-community VAT number.
    #[schema(example = "FR44732829320")]
    #[schema(schema_with = constraints::vat_number_or_null)]
    pub vat_number: Option<String>,
}

impl CompanyInput {
    fn to_input(&self) -> Result<SocieteInput, Problem> {
        Ok(SocieteInput {
            name: fields::field(CompanyName::new(&self.name), "name")?,
            parent: optional(self.parent.as_deref(), "parent", SocieteId::parse)?,
            site_code: optional(self.site_code.as_deref(), "site_code", SiteCode::new)?,
            email: optional(self.email.as_deref(), "email", Email::new)?,
            siren: optional(self.siren.as_deref(), "siren", Siren::new)?,
            vat_number: optional(self.vat_number.as_deref(), "vat_number", VatNumber::new)?,
        })
    }
}

/// A company.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyDto {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its parent company's id.
    pub parent: Option<String>,
    /// Its site code, for a site of the supplier.
    pub site_code: Option<String>,
    /// Its email.
    pub email: Option<String>,
    /// Its SIREN.
    pub siren: Option<String>,
    /// Its intra-community VAT number.
    pub vat_number: Option<String>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&Societe> for CompanyDto {
    fn from(s: &Societe) -> Self {
        CompanyDto {
            id: s.id.to_string(),
            name: s.name.to_string(),
            parent: s.parent.map(|p| p.to_string()),
            site_code: s.site_code.as_ref().map(ToString::to_string),
            email: s.email.as_ref().map(ToString::to_string),
            siren: s.siren.as_ref().map(ToString::to_string),
            vat_number: s.vat_number.as_ref().map(ToString::to_string),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A party linked with a role, by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedIdDto {
    /// The role of the link.
    pub role: RoleDto,
    /// The party's id.
    pub id: String,
}

/// A company with its subsidiaries and links.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyViewDto {
    /// The company.
    pub company: CompanyDto,
    /// Its subsidiaries, by name.
    pub subsidiaries: Vec<CompanyDto>,
    /// Its people, each with the role of the link (a person linked under two roles is
    /// listed twice).
    pub people: Vec<LinkedIdDto>,
    /// Its addresses, each with the role of the link.
    pub addresses: Vec<LinkedIdDto>,
}

impl From<&SocieteView> for CompanyViewDto {
    fn from(v: &SocieteView) -> Self {
        let linked = |role: &Role, id: String| LinkedIdDto {
            role: (*role).into(),
            id,
        };
        CompanyViewDto {
            company: CompanyDto::from(&v.societe),
            subsidiaries: v.subsidiaries.iter().map(CompanyDto::from).collect(),
            people: v
                .people
                .iter()
                .map(|(role, id)| linked(role, id.to_string()))
                .collect(),
            addresses: v
                .addresses
                .iter()
                .map(|(role, id)| linked(role, id.to_string()))
                .collect(),
        }
    }
}

/// A person, new or changed. A change replaces every field: an absent first name, mobile
/// or email clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Last name, 1 to 100 characters.
    #[schema(example = "Durand")]
    #[schema(schema_with = constraints::person_name)]
    pub last_name: String,
    /// First name, 1 to 100 characters.
    #[schema(example = "Élodie")]
    #[schema(schema_with = constraints::person_name_or_null)]
    pub first_name: Option<String>,
    /// Mobile phone: the customer's identifier at the counter.
    #[schema(example = "06 12 34 56 78")]
    #[schema(schema_with = constraints::phone_or_null)]
    pub mobile: Option<String>,
    /// Email.
    #[schema(example = "elodie.durand@example.fr")]
    #[schema(schema_with = constraints::email_or_null)]
    pub email: Option<String>,
}

impl PersonInput {
    fn details(&self, prefix: &str) -> Result<TiersDetails, Problem> {
        Ok(TiersDetails {
            last_name: fields::field(PersonName::new(&self.last_name), &at(prefix, "last_name"))?,
            first_name: optional(
                self.first_name.as_deref(),
                &at(prefix, "first_name"),
                PersonName::new,
            )?,
            mobile: optional(
                self.mobile.as_deref(),
                &at(prefix, "mobile"),
                PhoneNumber::new,
            )?,
            email: optional(self.email.as_deref(), &at(prefix, "email"), Email::new)?,
        })
    }
}

/// A person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    /// Their id.
    pub id: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: Option<String>,
    /// Mobile phone, in international form (`+33612345678`).
    pub mobile: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// When they were created.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When they were last changed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&Tiers> for PersonDto {
    fn from(t: &Tiers) -> Self {
        PersonDto {
            id: t.id.to_string(),
            last_name: t.details.last_name.to_string(),
            first_name: t.details.first_name.as_ref().map(ToString::to_string),
            mobile: t.details.mobile.as_ref().map(ToString::to_string),
            email: t.details.email.as_ref().map(ToString::to_string),
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A company a person belongs to, with the role of the link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonCompanyDto {
    /// The role of the link.
    pub role: RoleDto,
    /// The company.
    pub company: CompanyDto,
}

/// An address of a person or company, with the role of the link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAddressDto {
    /// The role of the link.
    pub role: RoleDto,
    /// The address.
    pub address: AddressDto,
}

/// A person with their companies and addresses.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonViewDto {
    /// The person.
    pub person: PersonDto,
    /// Their companies, each with the role of the link.
    pub companies: Vec<PersonCompanyDto>,
    /// Their addresses, each with the role of the link.
    pub addresses: Vec<LinkedAddressDto>,
}

impl From<&TiersView> for PersonViewDto {
    fn from(v: &TiersView) -> Self {
        PersonViewDto {
            person: PersonDto::from(&v.tiers),
            companies: v
                .companies
                .iter()
                .map(|(role, s)| PersonCompanyDto {
                    role: (*role).into(),
                    company: CompanyDto::from(s),
                })
                .collect(),
            addresses: v
                .addresses
                .iter()
                .map(|(role, a)| LinkedAddressDto {
                    role: (*role).into(),
                    address: AddressDto::from(a),
                })
                .collect(),
        }
    }
}

/// An address, new or changed. A change replaces every field: an absent optional field is
/// cleared, an absent country is France.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// The street lines, 1 to 300 characters (several lines separated by `\n`).
    #[schema(example = "12 rue de la Paix")]
    #[schema(schema_with = constraints::address_lines)]
    pub lines: String,
    /// The postal code: 2 to 10 letters, digits, spaces or hyphens.
    #[schema(example = "75002")]
    #[schema(schema_with = constraints::postal_code)]
    pub postal_code: String,
    /// The town, 1 to 100 characters.
    #[schema(example = "Paris")]
    #[schema(schema_with = constraints::town)]
    pub town: String,
    /// The country, an ISO 3166 two-letter code; `FR` when absent.
    #[schema(example = "FR")]
    #[schema(schema_with = constraints::country_or_null)]
    pub country: Option<String>,
    /// Access remarks (door code, floor), 1 to 300 characters.
    #[schema(schema_with = constraints::address_lines_or_null)]
    pub access_notes: Option<String>,
    /// A landline.
    #[schema(schema_with = constraints::phone_or_null)]
    pub landline: Option<String>,
    /// Bank details, 1 to 300 characters.
    #[schema(schema_with = constraints::address_lines_or_null)]
    pub bank_details: Option<String>,
}

impl AddressInput {
    /// The address's details; errors name the field under `prefix` (`address.town`).
    pub(crate) fn details(&self, prefix: &str) -> Result<AdresseDetails, Problem> {
        Ok(AdresseDetails {
            lines: fields::field(AddressLines::new(&self.lines), &at(prefix, "lines"))?,
            postal_code: fields::field(
                PostalCode::new(&self.postal_code),
                &at(prefix, "postal_code"),
            )?,
            town: fields::field(Town::new(&self.town), &at(prefix, "town"))?,
            country: optional(
                self.country.as_deref(),
                &at(prefix, "country"),
                CountryCode::new,
            )?
            .unwrap_or_else(CountryCode::france),
            access_notes: optional(
                self.access_notes.as_deref(),
                &at(prefix, "access_notes"),
                AddressLines::new,
            )?,
            landline: optional(
                self.landline.as_deref(),
                &at(prefix, "landline"),
                PhoneNumber::new,
            )?,
            bank_details: optional(
                self.bank_details.as_deref(),
                &at(prefix, "bank_details"),
                AddressLines::new,
            )?,
        })
    }
}

/// An address.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressDto {
    /// Its id.
    pub id: String,
    /// The street lines.
    pub lines: String,
    /// The postal code.
    pub postal_code: String,
    /// The town.
    pub town: String,
    /// The country (ISO 3166 two-letter code).
    pub country: String,
    /// Access remarks.
    pub access_notes: Option<String>,
    /// A landline, in international form.
    pub landline: Option<String>,
    /// Bank details.
    pub bank_details: Option<String>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&Adresse> for AddressDto {
    fn from(a: &Adresse) -> Self {
        let d = &a.details;
        AddressDto {
            id: a.id.to_string(),
            lines: d.lines.to_string(),
            postal_code: d.postal_code.to_string(),
            town: d.town.to_string(),
            country: d.country.to_string(),
            access_notes: d.access_notes.as_ref().map(ToString::to_string),
            landline: d.landline.as_ref().map(ToString::to_string),
            bank_details: d.bank_details.as_ref().map(ToString::to_string),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A link to make between two parties.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// What is linked to what.
    pub kind: LinkKindDto,
    /// The company (`company-person`, `company-address`) or the person (`person-address`):
    /// its id.
    #[schema(schema_with = constraints::uuid)]
    pub from: String,
    /// The person (`company-person`) or the address (`person-address`,
    /// `company-address`): its id.
    #[schema(schema_with = constraints::uuid)]
    pub to: String,
    /// The role the link gives; the same two parties may be linked once per role.
    pub role: RoleDto,
}

/// A link between two parties.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkDto {
    /// Its id.
    pub id: String,
    /// What it links.
    pub kind: LinkKindDto,
    /// The company, or the person for `person-address`.
    pub from: String,
    /// The person, or the address.
    pub to: String,
    /// The role it gives.
    pub role: RoleDto,
}

impl From<&LinkRecord> for LinkDto {
    fn from(record: &LinkRecord) -> Self {
        let (kind, from, to, role) = match record {
            LinkRecord::SocieteTiers(l) => (
                LinkKindDto::CompanyPerson,
                l.from.to_string(),
                l.to.to_string(),
                l.role,
            ),
            LinkRecord::TiersAdresse(l) => (
                LinkKindDto::PersonAddress,
                l.from.to_string(),
                l.to.to_string(),
                l.role,
            ),
            LinkRecord::SocieteAdresse(l) => (
                LinkKindDto::CompanyAddress,
                l.from.to_string(),
                l.to.to_string(),
                l.role,
            ),
        };
        LinkDto {
            id: record.id().to_string(),
            kind,
            from,
            to,
            role: role.into(),
        }
    }
}

/// The link to remove, named by its two parties and its role.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LinkBetweenParams {
    /// `company-person`, `person-address` or `company-address`.
    #[param(inline, value_type = constraints::LinkKind)]
    pub kind: String,
    /// The company's or the person's id.
    #[param(inline, value_type = constraints::Uuid)]
    pub from: String,
    /// The person's or the address's id.
    #[param(inline, value_type = constraints::Uuid)]
    pub to: String,
    /// `internal`, `customer`, `payer` or `recipient`.
    #[param(inline, value_type = constraints::Role)]
    pub role: String,
}

/// How to look customers up: exactly one of `phone`, `name`, `email`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// A mobile phone number, however it is written (`06 12 34 56 78`, `+33612345678`).
    #[param(schema_with = constraints::phone_or_null)]
    pub phone: Option<String>,
    /// Words of the name, whatever the case and accents; every word must match.
    #[param(schema_with = constraints::name_query_or_null)]
    pub name: Option<String>,
    /// An email.
    #[param(schema_with = constraints::email_or_null)]
    pub email: Option<String>,
    /// The most people to give for a name, 1 to 200 (default 50).
    #[param(schema_with = constraints::limit_or_null)]
    pub limit: Option<u32>,
}

/// The longest name text looked up.
pub(crate) const MAX_NAME_QUERY: usize = 200;

/// A new customer: the person, their company and their address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomerInput {
    /// The person.
    pub person: PersonInput,
    /// Their company's name; the person's name (a company of one person) when absent.
    #[schema(schema_with = constraints::company_name_or_null)]
    pub company: Option<String>,
    /// Their address.
    pub address: AddressInput,
}

/// A customer just registered: the three created, linked to each other as customer,
/// payer and recipient.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredCustomerDto {
    /// The person.
    pub person: PersonDto,
    /// Their company.
    pub company: CompanyDto,
    /// Their address.
    pub address: AddressDto,
}

impl From<&RegisteredCustomer> for RegisteredCustomerDto {
    fn from(r: &RegisteredCustomer) -> Self {
        RegisteredCustomerDto {
            person: PersonDto::from(&r.tiers),
            company: CompanyDto::from(&r.societe),
            address: AddressDto::from(&r.adresse),
        }
    }
}

/// Whose changes to read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// `tiers` (a person), `societe` (a company), `adresse` (an address), `commande` (an
    /// order) or `article`.
    #[param(example = "tiers")]
    #[param(inline, value_type = constraints::Entity)]
    pub entity: String,
    /// Its id.
    #[param(inline, value_type = constraints::Uuid)]
    pub id: String,
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// The kind of thing changed: `tiers`, `societe`, `adresse`, `commande` or `article`.
    pub entity: String,
    /// Its id.
    pub id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: String,
    /// What changed: one `field: before → after` entry per field.
    pub changes: Vec<String>,
}

impl From<&ChangeRecord> for ChangeDto {
    fn from(c: &ChangeRecord) -> Self {
        ChangeDto {
            entity: c.entity.as_str().to_owned(),
            id: c.entity_id.clone(),
            at: c.at,
            by: c.by.to_string(),
            changes: c.changes.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Companies.
// ---------------------------------------------------------------------------------------

/// Creates a company (staff), or a site of the supplier when it has a site code.
#[utoipa::path(
    post, path = "/api/v1/companies", tag = "parties",
    request_body = CompanyInput,
    responses(
        (status = 201, description = "Created", body = CompanyDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown parent", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Site code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_company(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<CompanyInput>,
) -> Result<(StatusCode, axum::Json<CompanyDto>), Problem> {
    let input = input.to_input()?;
    let societe = state.app.create_societe(&caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(CompanyDto::from(&societe))))
}

/// A company with its subsidiaries, people and addresses (staff).
#[utoipa::path(
    get, path = "/api/v1/companies/{id}", tag = "parties",
    params(("id" = String, Path, description = "The company's id")),
    responses(
        (status = 200, body = CompanyViewDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show_company(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<SocieteId>,
) -> Result<axum::Json<CompanyViewDto>, Problem> {
    let view = state.app.societe(&caller, id).await?;
    Ok(axum::Json(CompanyViewDto::from(&view)))
}

/// Changes a company (staff): every field is replaced; what changed is recorded.
#[utoipa::path(
    put, path = "/api/v1/companies/{id}", tag = "parties",
    params(("id" = String, Path, description = "The company's id")),
    request_body = CompanyInput,
    responses(
        (status = 200, body = CompanyDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Site code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or a parent that would make the company its own ancestor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn update_company(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<SocieteId>,
    Json(input): Json<CompanyInput>,
) -> Result<axum::Json<CompanyDto>, Problem> {
    let input = input.to_input()?;
    let societe = state.app.update_societe(&caller, id, &input).await?;
    Ok(axum::Json(CompanyDto::from(&societe)))
}

// ---------------------------------------------------------------------------------------
// People.
// ---------------------------------------------------------------------------------------

/// Creates a person (staff).
#[utoipa::path(
    post, path = "/api/v1/people", tag = "parties",
    request_body = PersonInput,
    responses(
        (status = 201, description = "Created", body = PersonDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_person(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<PersonInput>,
) -> Result<(StatusCode, axum::Json<PersonDto>), Problem> {
    let details = input.details("")?;
    let tiers = state.app.create_tiers(&caller, &details).await?;
    Ok((StatusCode::CREATED, axum::Json(PersonDto::from(&tiers))))
}

/// A person with their companies and addresses, each with its role. A customer sees only
/// themselves.
#[utoipa::path(
    get, path = "/api/v1/people/{id}", tag = "parties",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, body = PersonViewDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show_person(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<TiersId>,
) -> Result<axum::Json<PersonViewDto>, Problem> {
    let view = state.app.tiers(&caller, id).await?;
    Ok(axum::Json(PersonViewDto::from(&view)))
}

/// Changes a person's names and contact: every field is replaced; what changed is
/// recorded. A customer may change their own.
#[utoipa::path(
    put, path = "/api/v1/people/{id}", tag = "parties",
    params(("id" = String, Path, description = "The person's id")),
    request_body = PersonInput,
    responses(
        (status = 200, body = PersonDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or not the caller's to change", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn update_person(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<TiersId>,
    Json(input): Json<PersonInput>,
) -> Result<axum::Json<PersonDto>, Problem> {
    let details = input.details("")?;
    let tiers = state.app.update_tiers(&caller, id, &details).await?;
    Ok(axum::Json(PersonDto::from(&tiers)))
}

// ---------------------------------------------------------------------------------------
// Addresses.
// ---------------------------------------------------------------------------------------

/// Creates an address (link it to a person or company with `POST /api/v1/links`).
#[utoipa::path(
    post, path = "/api/v1/addresses", tag = "parties",
    request_body = AddressInput,
    responses(
        (status = 201, description = "Created", body = AddressDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_address(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<AddressInput>,
) -> Result<(StatusCode, axum::Json<AddressDto>), Problem> {
    let details = input.details("")?;
    let adresse = state.app.create_adresse(&caller, &details).await?;
    Ok((StatusCode::CREATED, axum::Json(AddressDto::from(&adresse))))
}

/// An address (staff).
#[utoipa::path(
    get, path = "/api/v1/addresses/{id}", tag = "parties",
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 200, body = AddressDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show_address(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AdresseId>,
) -> Result<axum::Json<AddressDto>, Problem> {
    let adresse = state.app.adresse(&caller, id).await?;
    Ok(axum::Json(AddressDto::from(&adresse)))
}

/// Changes an address (staff): every field is replaced; what changed is recorded.
#[utoipa::path(
    put, path = "/api/v1/addresses/{id}", tag = "parties",
    params(("id" = String, Path, description = "The address's id")),
    request_body = AddressInput,
    responses(
        (status = 200, body = AddressDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn update_address(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AdresseId>,
    Json(input): Json<AddressInput>,
) -> Result<axum::Json<AddressDto>, Problem> {
    let details = input.details("")?;
    let adresse = state.app.update_adresse(&caller, id, &details).await?;
    Ok(axum::Json(AddressDto::from(&adresse)))
}

// ---------------------------------------------------------------------------------------
// Links.
// ---------------------------------------------------------------------------------------

/// Links two parties with a role (staff).
#[utoipa::path(
    post, path = "/api/v1/links", tag = "parties",
    request_body = LinkInput,
    responses(
        (status = 201, description = "Linked", body = LinkDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A party does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already linked with this role", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_link(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<LinkInput>,
) -> Result<(StatusCode, axum::Json<LinkDto>), Problem> {
    let link = input.kind.link(&input.from, &input.to)?;
    let record = state.app.link(&caller, link, input.role.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(LinkDto::from(&record))))
}

/// Removes a link by its id (staff).
#[utoipa::path(
    delete, path = "/api/v1/links/{kind}/{id}", tag = "parties",
    params(
        ("kind" = LinkKindDto, Path, description = "What the link joins"),
        ("id" = String, Path, description = "The link's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn remove_link(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((kind, id)): Path<(LinkKindDto, LinkId)>,
) -> Result<StatusCode, Problem> {
    state.app.unlink(&caller, kind.store_kind(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the link between two parties with a role (staff), and gives it back.
#[utoipa::path(
    delete, path = "/api/v1/links", tag = "parties",
    params(LinkBetweenParams),
    responses(
        (status = 200, description = "Removed", body = LinkDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not linked with this role", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn remove_link_between(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(params): Query<LinkBetweenParams>,
) -> Result<axum::Json<LinkDto>, Problem> {
    let kind = LinkKindDto::parse(&params.kind)
        .ok_or_else(|| Problem::invalid("kind", LinkKindDto::EXPECTED))?;
    let link = kind.link(&params.from, &params.to)?;
    let role = Role::parse(&params.role)
        .ok_or_else(|| Problem::invalid("role", "one of internal, customer, payer, recipient"))?;
    let record = state.app.unlink_parties(&caller, link, role).await?;
    Ok(axum::Json(LinkDto::from(&record)))
}

// ---------------------------------------------------------------------------------------
// Sites, customers, changes.
// ---------------------------------------------------------------------------------------

/// Every site of the supplier, by code.
#[utoipa::path(
    get, path = "/api/v1/sites", tag = "parties",
    responses(
        (status = 200, body = Vec<CompanyDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn sites(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<Vec<CompanyDto>>, Problem> {
    let sites = state.app.sites(&caller).await?;
    Ok(axum::Json(sites.iter().map(CompanyDto::from).collect()))
}

/// Finds customers (staff) by mobile phone, by name (whatever the case and accents) or by
/// email: exactly one of the three.
#[utoipa::path(
    get, path = "/api/v1/customers", tag = "parties",
    params(CustomerQuery),
    responses(
        (status = 200, body = Vec<PersonDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not exactly one of phone, name, email, or one that is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn find_customers(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(query): Query<CustomerQuery>,
) -> Result<axum::Json<Vec<PersonDto>>, Problem> {
    let given = [
        ("phone", query.phone.as_deref()),
        ("name", query.name.as_deref()),
        ("email", query.email.as_deref()),
    ];
    let mut present = given.iter().filter_map(|(n, v)| v.map(|v| (*n, v)));
    let Some((which, text)) = present.next() else {
        return Err(Problem::invalid(
            "phone|name|email",
            "give one of phone, name or email",
        ));
    };
    if let Some((second, _)) = present.next() {
        return Err(Problem::invalid(
            second,
            "give only one of phone, name and email",
        ));
    }
    let found = match which {
        "phone" => {
            let phone = fields::field(PhoneNumber::new(text), "phone")?;
            state.app.find_customers_by_phone(&caller, &phone).await?
        }
        "email" => {
            let email = fields::field(Email::new(text), "email")?;
            state.app.find_customers_by_email(&caller, &email).await?
        }
        _ => {
            if text.chars().count() > MAX_NAME_QUERY {
                return Err(Problem::invalid(
                    "name",
                    format!("at most {MAX_NAME_QUERY} characters"),
                ));
            }
            let limit = query.limit.unwrap_or(50);
            state
                .app
                .find_customers_by_name(&caller, text, limit)
                .await?
        }
    };
    Ok(axum::Json(found.iter().map(PersonDto::from).collect()))
}

/// Registers a customer in one go (staff): the person, their company (a company of one
/// person for a private customer) and their address, linked to each other as customer,
/// payer and recipient.
#[utoipa::path(
    post, path = "/api/v1/customers", tag = "parties",
    request_body = NewCustomerInput,
    responses(
        (status = 201, description = "Registered", body = RegisteredCustomerDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn register_customer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<NewCustomerInput>,
) -> Result<(StatusCode, axum::Json<RegisteredCustomerDto>), Problem> {
    let new = NewCustomer {
        details: input.person.details("person")?,
        company: optional(input.company.as_deref(), "company", CompanyName::new)?,
        address: input.address.details("address")?,
    };
    let registered = state.app.register_customer(&caller, &new).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RegisteredCustomerDto::from(&registered)),
    ))
}

/// The recorded changes of a person, company, address, order or article, oldest first
/// (staff).
#[utoipa::path(
    get, path = "/api/v1/changes", tag = "parties",
    params(ChangesParams),
    responses(
        (status = 200, body = Vec<ChangeDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "An order the caller may not see, or none with this id", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown entity or malformed id", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn changes(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(params): Query<ChangesParams>,
) -> Result<axum::Json<Vec<ChangeDto>>, Problem> {
    let entity = EntityKind::parse(&params.entity).ok_or_else(|| {
        Problem::invalid(
            "entity",
            "one of tiers, societe, adresse, commande, article",
        )
    })?;
    let id = &params.id;
    // The id is checked for the kind, and written back in its canonical form.
    let id = match entity {
        EntityKind::Tiers => fields::id(id, "id", TiersId::parse)?.to_string(),
        EntityKind::Societe => fields::id(id, "id", SocieteId::parse)?.to_string(),
        EntityKind::Adresse => fields::id(id, "id", AdresseId::parse)?.to_string(),
        EntityKind::Commande => fields::id(id, "id", CommandeId::parse)?.to_string(),
        EntityKind::Article => fields::id(id, "id", ArticleId::parse)?.to_string(),
    };
    let records = state.app.change_log(&caller, entity, &id).await?;
    Ok(axum::Json(records.iter().map(ChangeDto::from).collect()))
}
