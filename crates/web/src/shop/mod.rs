//! The shop: one module per area, each with its handlers and its view types; templates in
//! `templates/shop/`.

mod account;
mod cart;
mod catalogue;
mod checkout;
mod forms;
mod guest;
mod orders;
mod password;

use axum::routing::{get, post};
use axum::Router;

use crate::WebState;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(catalogue::search))
        .route("/article/{reference}", get(catalogue::article))
        .route("/panier", get(cart::show))
        .route("/panier/ajouter", post(cart::add))
        .route("/panier/quantite", post(cart::set_quantity))
        .route("/panier/retirer", post(cart::remove))
        .route("/panier/vider", post(cart::empty))
        .route("/panier/remplir", get(cart::fill_form).post(cart::fill))
        .route("/connexion", get(account::login_form).post(account::login))
        .route(
            "/inscription",
            get(account::signup_form).post(account::signup),
        )
        .route("/deconnexion", post(account::logout))
        .route("/compte", get(account::show))
        .route(
            "/compte/mot-de-passe",
            get(password::form).post(password::change),
        )
        .route("/compte/activer/{token}", get(password::activate))
        .route("/commande", get(checkout::start))
        .route(
            "/commande/livraison",
            get(checkout::delivery_form).post(checkout::delivery),
        )
        .route(
            "/commande/facturation",
            get(checkout::billing_form).post(checkout::billing),
        )
        .route("/commande/recapitulatif", get(checkout::summary))
        .route("/commande/invite", get(guest::form).post(guest::place))
        .route("/acces/{token}", get(guest::access))
        .route("/commande/confirmer", post(checkout::confirm))
        .route("/commandes", get(orders::list))
        .route("/commandes/{number}", get(orders::show))
        .route(
            "/commandes/{number}/paiement",
            get(orders::pay_form).post(orders::pay),
        )
        .route(
            "/commandes/{number}/documents/{file}",
            get(orders::invoice_pdf),
        )
        .route(
            "/commandes/{number}/bon-de-livraison.pdf",
            get(orders::delivery_note_pdf),
        )
}
