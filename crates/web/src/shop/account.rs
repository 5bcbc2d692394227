//! Logging in (a guest's cart then joins the account's, as the API's claim does), creating
//! an account, logging out, and the account's page.

use std::time::Instant;

use app::parties::NewCustomer;
use app::{AppError, Caller};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::account::Password;
use domain::party::{
    AddressLines, AdresseDetails, CompanyName, CountryCode, Email, PersonName, PhoneNumber,
    PostalCode, TiersDetails, Town,
};
use serde::Deserialize;

use super::forms::FormErrors;
use crate::cookies::{self, CART, SESSION};
use crate::page::{redirect, with_status, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::{self, Flash};
use crate::WebState;

/// Where to go once logged in: one of the shop's own pages, named by a word, never an
/// address taken from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Catalogue,
    Checkout,
}

impl Next {
    fn parse(word: Option<&str>) -> Next {
        match word {
            Some("commande") => Next::Checkout,
            _ => Next::Catalogue,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Next::Catalogue => "",
            Next::Checkout => "commande",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Next::Catalogue => "/",
            Next::Checkout => "/commande/livraison",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    suite: Option<String>,
}

#[derive(Template)]
#[template(path = "shop/login.html")]
struct LoginTemplate {
    chrome: Chrome,
    email: String,
    error: Option<String>,
    next: &'static str,
}

/// `GET /connexion`
pub async fn login_form(visitor: Visitor, Query(query): Query<NextQuery>) -> Page<impl Template> {
    Page(LoginTemplate {
        chrome: Chrome::of(&visitor),
        email: String::new(),
        error: None,
        next: Next::parse(query.suite.as_deref()).word(),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    suite: Option<String>,
}

/// Opens a session: its cookie, and the guest's cart joined to the account's.
async fn open_session(
    state: &WebState,
    visitor: &Visitor,
    login: &Email,
    password: &str,
    next: Next,
    flash: Flash,
) -> Result<Response, AppError> {
    let session = state.app.log_in(login, password).await?;
    let caller: Caller = state.app.authenticate(&session.token).await?;
    let secure = state.settings.secure_cookies;
    let mut response = redirect(next.path(), Some(flash), secure);
    if let Some(guest_cart) = visitor.guest_cart {
        match state.app.claim_cart(&caller, guest_cart).await {
            Ok(_) | Err(AppError::NotFound { .. } | AppError::Forbidden(_)) => {}
            Err(other) => return Err(other),
        }
        response
            .headers_mut()
            .append(SET_COOKIE, cookies::clear(CART, secure));
    }
    let lifetime = (session.expires_at - time::OffsetDateTime::now_utc()).whole_seconds();
    response.headers_mut().append(
        SET_COOKIE,
        cookies::set(SESSION, &session.token, Some(lifetime.max(0)), secure),
    );
    Ok(response)
}

/// `POST /connexion`
pub async fn login(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = Next::parse(form.suite.as_deref());
    let again = |error: String| {
        with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            LoginTemplate {
                chrome: Chrome::of(&visitor),
                email: form.email.clone(),
                error: Some(error),
                next: next.word(),
            },
        )
    };
    let typed = form.email.trim().to_lowercase();
    if let Some(wait) = state.throttle.wait_for(&typed, Instant::now()) {
        let mut response = again(words::login_wait(wait.as_secs().max(1)));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(response);
    }
    let Ok(email) = Email::new(&form.email) else {
        state.throttle.failed(&typed, Instant::now());
        return Ok(again(words::WRONG_LOGIN.to_owned()));
    };
    match open_session(
        &state,
        &visitor,
        &email,
        &form.mot_de_passe,
        next,
        Flash::LoggedIn,
    )
    .await
    {
        Ok(response) => {
            state.throttle.succeeded(&typed);
            Ok(response)
        }
        Err(AppError::Unauthorized(_)) => {
            state.throttle.failed(&typed, Instant::now());
            Ok(again(words::WRONG_LOGIN.to_owned()))
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /deconnexion`
pub async fn logout(State(state): State<WebState>, visitor: Visitor) -> Response {
    if let Some(token) = &visitor.session {
        // Already revoked or expired: the visitor is logged out all the same.
        let _ = state.app.log_out(token).await;
    }
    let secure = state.settings.secure_cookies;
    let mut response = redirect("/", Some(Flash::LoggedOut), secure);
    response
        .headers_mut()
        .append(SET_COOKIE, cookies::clear(SESSION, secure));
    response
}

/// What the account form holds, kept when it is shown again (never the passwords).
#[derive(Debug, Default, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub prenom: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub societe: String,
    #[serde(default)]
    pub adresse: String,
    #[serde(default)]
    pub code_postal: String,
    #[serde(default)]
    pub ville: String,
    #[serde(default, skip_serializing)]
    pub mot_de_passe: String,
    #[serde(default, skip_serializing)]
    pub confirmation: String,
    #[serde(default)]
    pub suite: Option<String>,
}

fn optional(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

impl SignupForm {
    /// The new customer, or the errors of each field.
    pub fn customer(&self, errors: &mut FormErrors) -> Option<NewCustomer> {
        let last_name = errors.check("nom", "last_name", PersonName::new(&self.nom));
        let first_name = optional(&self.prenom)
            .map(|t| errors.check("prenom", "first_name", PersonName::new(t)));
        let email = errors.check("email", "email", Email::new(&self.email));
        let mobile =
            optional(&self.mobile).map(|t| errors.check("mobile", "mobile", PhoneNumber::new(t)));
        let company = optional(&self.societe)
            .map(|t| errors.check("societe", "company", CompanyName::new(t)));
        let lines = errors.check("adresse", "lines", AddressLines::new(&self.adresse));
        let postal_code = errors.check(
            "code_postal",
            "postal_code",
            PostalCode::new(&self.code_postal),
        );
        let town = errors.check("ville", "town", Town::new(&self.ville));
        let country = errors.check("adresse", "country", CountryCode::new("FR"));
        Some(NewCustomer {
            details: TiersDetails {
                last_name: last_name?,
                first_name: first_name.map(|f| f.ok_or(())).transpose().ok()?,
                mobile: mobile.map(|m| m.ok_or(())).transpose().ok()?,
                email: Some(email?),
            },
            company: company.map(|c| c.ok_or(())).transpose().ok()?,
            address: AdresseDetails {
                lines: lines?,
                postal_code: postal_code?,
                town: town?,
                country: country?,
                access_notes: None,
                landline: None,
                bank_details: None,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "shop/signup.html")]
struct SignupTemplate {
    chrome: Chrome,
    form: SignupForm,
    errors: FormErrors,
    next: &'static str,
}

/// `GET /inscription`
pub async fn signup_form(visitor: Visitor, Query(query): Query<NextQuery>) -> Page<impl Template> {
    Page(SignupTemplate {
        chrome: Chrome::of(&visitor),
        form: SignupForm::default(),
        errors: FormErrors::default(),
        next: Next::parse(query.suite.as_deref()).word(),
    })
}

/// `POST /inscription`
pub async fn signup(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<SignupForm>,
) -> Result<Response, PageError> {
    let next = Next::parse(form.suite.as_deref());
    let mut errors = FormErrors::default();
    let customer = form.customer(&mut errors);
    let password = errors.check(
        "mot_de_passe",
        "password",
        Password::new(&form.mot_de_passe),
    );
    if form.mot_de_passe != form.confirmation {
        errors.add("confirmation", words::PASSWORDS_DIFFER);
    }
    let (Some(customer), Some(password), true) = (customer, password, errors.is_empty()) else {
        return Ok(signup_again(&visitor, form, errors, next));
    };
    match state.app.sign_up(&customer, &password).await {
        Ok((account, _)) => {
            let response = open_session(
                &state,
                &visitor,
                &account.login,
                &form.mot_de_passe,
                next,
                Flash::SignedUp,
            )
            .await?;
            Ok(response)
        }
        Err(AppError::Conflict { .. }) => {
            // The email of a guest account: proved by a link before it gets a password.
            let email = customer.details.email.clone();
            if let Some(email) = email {
                if state.app.send_guest_activation(&email).await? {
                    return Ok(Page(ActivationSentTemplate {
                        chrome: Chrome::of(&visitor),
                        email: email.to_string(),
                    })
                    .into_response());
                }
            }
            errors.add("email", words::EMAIL_TAKEN);
            Ok(signup_again(&visitor, form, errors, next))
        }
        Err(AppError::Invalid { field, message }) => {
            errors.add(
                "adresse",
                format!("{} invalide ({message}).", words::field_label(&field)),
            );
            Ok(signup_again(&visitor, form, errors, next))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "shop/activation_sent.html")]
struct ActivationSentTemplate {
    chrome: Chrome,
    email: String,
}

fn signup_again(visitor: &Visitor, form: SignupForm, errors: FormErrors, next: Next) -> Response {
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        SignupTemplate {
            chrome: Chrome::of(visitor),
            form: SignupForm {
                mot_de_passe: String::new(),
                confirmation: String::new(),
                ..form
            },
            errors,
            next: next.word(),
        },
    )
}

/// An address as the account's page shows it.
#[derive(Debug, Clone)]
pub struct AddressView {
    pub lines: Vec<String>,
    pub town: String,
}

#[derive(Template)]
#[template(path = "shop/account.html")]
struct AccountTemplate {
    chrome: Chrome,
    name: String,
    email: String,
    mobile: String,
    addresses: Vec<AddressView>,
}

/// The address as lines to show.
pub fn address_view(details: &AdresseDetails) -> AddressView {
    AddressView {
        lines: details
            .lines
            .to_string()
            .lines()
            .map(str::to_owned)
            .collect(),
        town: format!("{} {}", details.postal_code, details.town),
    }
}

/// `GET /compte`
pub async fn show(State(state): State<WebState>, visitor: Visitor) -> Result<Response, PageError> {
    let Some(me) = visitor.customer() else {
        return Ok(redirect("/connexion", None, state.settings.secure_cookies));
    };
    let person = state.app.tiers(&visitor.caller(), me).await?;
    let mut addresses: Vec<AddressView> = Vec::new();
    let mut seen = Vec::new();
    for (_, adresse) in &person.addresses {
        if !seen.contains(&adresse.id) {
            seen.push(adresse.id);
            addresses.push(address_view(&adresse.details));
        }
    }
    let details = &person.tiers.details;
    Ok(Page(AccountTemplate {
        chrome: Chrome::of(&visitor),
        name: person.tiers.full_name(),
        email: details
            .email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        mobile: details
            .mobile
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        addresses,
    })
    .into_response())
}
