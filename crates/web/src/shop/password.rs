//! The account's password: changed with the current one, or chosen a first time by the
//! owner of a guest account's email, reached through the link sent to it (which proves the
//! email): the account then logs in like any other, its guest orders with it.

use app::AppError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::account::Password;
use serde::Deserialize;

use super::forms::FormErrors;
use crate::cookies::{self, SESSION};
use crate::page::{redirect, with_status, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::{self, Flash};
use crate::WebState;

#[derive(Template)]
#[template(path = "shop/password.html")]
struct PasswordTemplate {
    chrome: Chrome,
    guest: bool,
    errors: FormErrors,
}

/// `GET /compte/mot-de-passe`
pub async fn form(State(state): State<WebState>, visitor: Visitor) -> Result<Response, PageError> {
    if visitor.customer().is_none() {
        return Ok(redirect("/connexion", None, state.settings.secure_cookies));
    }
    let guest = state.app.is_guest_account(&visitor.caller()).await?;
    Ok(Page(PasswordTemplate {
        chrome: Chrome::of(&visitor),
        guest,
        errors: FormErrors::default(),
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    actuel: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /compte/mot-de-passe`
pub async fn change(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    if visitor.customer().is_none() {
        return Ok(redirect("/connexion", None, secure));
    }
    let caller = visitor.caller();
    let guest = state.app.is_guest_account(&caller).await?;
    let mut errors = FormErrors::default();
    let password = errors.check(
        "mot_de_passe",
        "password",
        Password::new(&form.mot_de_passe),
    );
    if form.mot_de_passe != form.confirmation {
        errors.add("confirmation", words::PASSWORDS_DIFFER);
    }
    let again = |errors: FormErrors| {
        with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordTemplate {
                chrome: Chrome::of(&visitor),
                guest,
                errors,
            },
        )
    };
    let (Some(password), true) = (password, errors.is_empty()) else {
        return Ok(again(errors));
    };
    let current = (!guest).then_some(form.actuel.as_str());
    match state.app.change_password(&caller, current, &password).await {
        Ok(()) => Ok(redirect("/compte", Some(Flash::PasswordChanged), secure)),
        Err(AppError::Unauthorized(_)) => {
            errors.add("actuel", words::WRONG_PASSWORD);
            Ok(again(errors))
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /compte/activer/{token}`: the link sent to a guest account's email, to choose a
/// password.
pub async fn activate(
    State(state): State<WebState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    match state.app.authenticate(&token).await {
        Ok(_) => {
            let mut response = redirect("/compte/mot-de-passe", None, secure);
            response
                .headers_mut()
                .append(SET_COOKIE, cookies::set(SESSION, &token, None, secure));
            Ok(response)
        }
        Err(AppError::Unauthorized(_)) => Err(PageError::status(StatusCode::GONE)),
        Err(other) => Err(other.into()),
    }
}
