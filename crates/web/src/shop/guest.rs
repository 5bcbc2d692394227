//! Ordering without an account: the guest gives a name, an email, a phone and the
//! addresses; the order belongs to an account without password (`App::guest_checkout`),
//! reached through the link emailed to the guest (`GET /acces/{token}`). The browser that
//! placed a first order under an email is let in at once, to pay.

use app::guests::{GuestCheckout, GuestOrder};
use app::orders::ShortagePolicy;
use app::AppError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::party::{
    AddressLines, AdresseDetails, CountryCode, Email, PersonName, PhoneNumber, PostalCode,
    TiersDetails, Town,
};
use serde::Deserialize;

use super::cart::{current_cart, TotalsView};
use super::checkout::{short_page, PAYMENT_TERMS};
use super::forms::FormErrors;
use crate::cookies::{self, CART, SESSION};
use crate::page::{redirect, with_status, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::{self, Flash};
use crate::WebState;

/// What the guest form holds, kept when it is shown again.
#[derive(Debug, Default, Deserialize)]
pub struct GuestForm {
    #[serde(default)]
    pub prenom: String,
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub adresse: String,
    #[serde(default)]
    pub code_postal: String,
    #[serde(default)]
    pub ville: String,
    /// `oui` (the box, ticked by default) bills to the delivery address.
    #[serde(default)]
    pub meme_adresse: Option<String>,
    #[serde(default)]
    pub adresse_facturation: String,
    #[serde(default)]
    pub code_postal_facturation: String,
    #[serde(default)]
    pub ville_facturation: String,
}

fn address(errors: &mut FormErrors, fields: [(&'static str, &str); 3]) -> Option<AdresseDetails> {
    let [(lines_field, lines), (postal_field, postal), (town_field, town)] = fields;
    let lines = errors.check(lines_field, "lines", AddressLines::new(lines));
    let postal_code = errors.check(postal_field, "postal_code", PostalCode::new(postal));
    let town = errors.check(town_field, "town", Town::new(town));
    let country = CountryCode::new("FR").ok();
    Some(AdresseDetails {
        lines: lines?,
        postal_code: postal_code?,
        town: town?,
        country: country?,
        access_notes: None,
        landline: None,
        bank_details: None,
    })
}

impl GuestForm {
    fn same_address(&self) -> bool {
        self.meme_adresse.is_some()
    }

    fn guest(&self, errors: &mut FormErrors) -> Option<GuestCheckout> {
        let last_name = errors.check("nom", "last_name", PersonName::new(&self.nom));
        let first_name = match self.prenom.trim() {
            "" => Some(None),
            text => errors
                .check("prenom", "first_name", PersonName::new(text))
                .map(Some),
        };
        let email = errors.check("email", "email", Email::new(&self.email));
        let mobile = errors.check("mobile", "mobile", PhoneNumber::new(&self.mobile));
        let delivery = address(
            errors,
            [
                ("adresse", &self.adresse),
                ("code_postal", &self.code_postal),
                ("ville", &self.ville),
            ],
        );
        let billing = if self.same_address() {
            Some(None)
        } else {
            address(
                errors,
                [
                    ("adresse_facturation", &self.adresse_facturation),
                    ("code_postal_facturation", &self.code_postal_facturation),
                    ("ville_facturation", &self.ville_facturation),
                ],
            )
            .map(Some)
        };
        Some(GuestCheckout {
            details: TiersDetails {
                last_name: last_name?,
                first_name: first_name?,
                mobile: Some(mobile?),
                email: Some(email?),
            },
            delivery: delivery?,
            billing: billing?,
            on_shortage: ShortagePolicy::Refuse,
        })
    }
}

#[derive(Template)]
#[template(path = "shop/guest.html")]
struct GuestTemplate {
    chrome: Chrome,
    form: GuestForm,
    same: bool,
    errors: FormErrors,
    totals: TotalsView,
    terms: &'static str,
}

/// `GET /commande/invite`
pub async fn form(State(state): State<WebState>, visitor: Visitor) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    if visitor.customer().is_some() {
        return Ok(redirect("/commande/livraison", None, secure));
    }
    let Some(cart) = current_cart(&state, &visitor)
        .await?
        .filter(|c| !c.lines.is_empty())
    else {
        return Ok(redirect("/panier", None, secure));
    };
    Ok(Page(GuestTemplate {
        chrome: Chrome::of(&visitor),
        form: GuestForm::default(),
        same: true,
        errors: FormErrors::default(),
        totals: TotalsView::of(&cart),
        terms: PAYMENT_TERMS,
    })
    .into_response())
}

#[derive(Template)]
#[template(path = "shop/guest_sent.html")]
struct SentTemplate {
    chrome: Chrome,
    number: String,
    email: String,
}

/// `POST /commande/invite`: places the guest's order.
pub async fn place(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<GuestForm>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    if visitor.customer().is_some() {
        return Ok(redirect("/commande/livraison", None, secure));
    }
    let Some(cart) = current_cart(&state, &visitor)
        .await?
        .filter(|c| !c.lines.is_empty())
    else {
        return Ok(redirect("/panier", None, secure));
    };
    let mut errors = FormErrors::default();
    let guest = form.guest(&mut errors);
    let again = |form: GuestForm, errors: FormErrors| {
        with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            GuestTemplate {
                chrome: Chrome::of(&visitor),
                same: form.same_address(),
                form,
                errors,
                totals: TotalsView::of(&cart),
                terms: PAYMENT_TERMS,
            },
        )
    };
    let (Some(guest), true) = (guest, errors.is_empty()) else {
        return Ok(again(form, errors));
    };
    match state.app.guest_checkout(cart.cart.id, &guest).await {
        Ok(GuestOrder { placed, session }) => {
            let number = placed.order.number().to_string();
            let mut response = match &session {
                Some(session) => {
                    let mut response = redirect(
                        &format!("/commandes/{number}/paiement"),
                        Some(Flash::OrderPlaced),
                        secure,
                    );
                    let lifetime =
                        (session.expires_at - time::OffsetDateTime::now_utc()).whole_seconds();
                    response.headers_mut().append(
                        SET_COOKIE,
                        cookies::set(SESSION, &session.token, Some(lifetime.max(0)), secure),
                    );
                    response
                }
                None => Page(SentTemplate {
                    chrome: Chrome::of(&visitor),
                    number,
                    email: form.email.trim().to_owned(),
                })
                .into_response(),
            };
            response
                .headers_mut()
                .append(SET_COOKIE, cookies::clear(CART, secure));
            Ok(response)
        }
        Err(AppError::Conflict { .. }) => {
            errors.add("email", words::EMAIL_TAKEN);
            Ok(again(form, errors))
        }
        Err(AppError::Shortage(shortages)) => Ok(short_page(&visitor, &cart, &shortages, false)),
        Err(other) => Err(other.into()),
    }
}

/// `GET /acces/{token}`: the link emailed to a guest opens their account in this browser.
pub async fn access(
    State(state): State<WebState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    match state.app.authenticate(&token).await {
        Ok(_) => {
            let mut response = redirect("/commandes", Some(Flash::LoggedIn), secure);
            // Kept for the browser's session: the link works until it expires.
            response
                .headers_mut()
                .append(SET_COOKIE, cookies::set(SESSION, &token, None, secure));
            Ok(response)
        }
        Err(AppError::Unauthorized(_)) => Err(PageError::status(StatusCode::GONE)),
        Err(other) => Err(other.into()),
    }
}
