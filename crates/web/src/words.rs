//! The French words the pages say that do not sit in a template: the short messages
//! carried to the next page, the titles and explanations of the error pages, the names of
//! states. The static words of each page are in its template, one per page.

use domain::order::OrderState;
use domain::payment::OrderPaymentState;

/// A short message shown once on the next page, after a form was sent. Only its key
/// travels (in a cookie): never a visitor's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    AddedToCart,
    CartChanged,
    RemovedFromCart,
    CartEmptied,
    CartFilled,
    LoggedIn,
    LoggedOut,
    SignedUp,
    PaymentDeclined,
    PaymentUnderWay,
    PaymentDone,
    OrderPlaced,
    PasswordChanged,
}

impl Flash {
    const ALL: [Flash; 13] = [
        Flash::AddedToCart,
        Flash::CartChanged,
        Flash::RemovedFromCart,
        Flash::CartEmptied,
        Flash::CartFilled,
        Flash::LoggedIn,
        Flash::LoggedOut,
        Flash::SignedUp,
        Flash::PaymentDeclined,
        Flash::PaymentUnderWay,
        Flash::PaymentDone,
        Flash::OrderPlaced,
        Flash::PasswordChanged,
    ];

    /// The key written in the cookie.
    pub fn key(self) -> &'static str {
        match self {
            Flash::AddedToCart => "added",
            Flash::CartChanged => "changed",
            Flash::RemovedFromCart => "removed",
            Flash::CartEmptied => "emptied",
            Flash::CartFilled => "filled",
            Flash::LoggedIn => "in",
            Flash::LoggedOut => "out",
            Flash::SignedUp => "signed",
            Flash::PaymentDeclined => "declined",
            Flash::PaymentUnderWay => "paying",
            Flash::PaymentDone => "paid",
            Flash::OrderPlaced => "placed",
            Flash::PasswordChanged => "password",
        }
    }

    /// The flash a cookie names, if any.
    pub fn from_key(key: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What the visitor reads.
    pub fn text(self) -> &'static str {
        match self {
            Flash::AddedToCart => "L’article a été ajouté à votre panier.",
            Flash::CartChanged => "La quantité a été modifiée.",
            Flash::RemovedFromCart => "L’article a été retiré du panier.",
            Flash::CartEmptied => "Votre panier a été vidé.",
            Flash::CartFilled => "Les articles du lien ont été ajoutés à votre panier.",
            Flash::LoggedIn => "Vous êtes connecté.",
            Flash::LoggedOut => "Vous êtes déconnecté.",
            Flash::SignedUp => "Votre compte est créé, vous êtes connecté.",
            Flash::PaymentDeclined => "Le paiement a été refusé.",
            Flash::PaymentUnderWay => {
                "Votre paiement est accepté ; sa confirmation par la banque est en cours."
            }
            Flash::PaymentDone => "Votre paiement est accepté. Merci pour votre commande !",
            Flash::OrderPlaced => "Votre commande est enregistrée : il reste à la payer.",
            Flash::PasswordChanged => "Votre mot de passe est enregistré.",
        }
    }

    /// Whether it tells of a failure (shown as an alert).
    pub fn is_alert(self) -> bool {
        matches!(self, Flash::PaymentDeclined)
    }
}

/// The title of an error page by status.
pub fn error_title(status: u16) -> &'static str {
    match status {
        400 => "Demande incorrecte",
        403 => "Action refusée",
        404 => "Page introuvable",
        410 => "Lien expiré",
        409 => "Action impossible",
        413 => "Envoi trop volumineux",
        422 => "Saisie incorrecte",
        429 => "Trop de tentatives",
        503 => "Service momentanément indisponible",
        _ => "Erreur du serveur",
    }
}

/// What an error page says by status, before any detail.
pub fn error_text(status: u16) -> &'static str {
    match status {
        403 => "Ce formulaire n’a pas été accepté : il a expiré ou vient d’un autre site. Rechargez la page et envoyez-le de nouveau.",
        404 => "Cette page n’existe pas, ou elle ne vous est pas accessible.",
        410 => "Ce lien n’est plus valable. Connectez-vous à votre compte, ou contactez notre service client avec votre numéro de commande.",
        409 => "Cette action n’est pas possible dans l’état actuel :",
        503 => "Le service est momentanément indisponible. Réessayez dans un instant.",
        500 => "Une erreur est survenue de notre côté. Si elle se reproduit, indiquez à notre service client la référence ci-dessous.",
        _ => "La demande n’a pas pu être traitée.",
    }
}

/// What a field is called on the forms.
pub fn field_label(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "last_name" => "Nom",
        "first_name" => "Prénom",
        "email" | "login" => "E-mail",
        "mobile" => "Téléphone mobile",
        "company" => "Société",
        "lines" => "Adresse",
        "postal_code" => "Code postal",
        "town" => "Ville",
        "country" => "Pays",
        "password" => "Mot de passe",
        "current_password" => "Mot de passe actuel",
        "quantity" => "Quantité",
        "card_number" => "Numéro de carte",
        "delivery_address" => "Adresse de livraison",
        "billing_address" => "Adresse de facturation",
        "cart" => "Panier",
        _ => "Saisie",
    }
}

/// An order's state.
pub fn order_state(state: OrderState) -> &'static str {
    match state {
        OrderState::Draft => "Brouillon",
        OrderState::Validated => "Confirmée",
        OrderState::Fulfilled => "Expédiée",
        OrderState::Cancelled => "Annulée",
        OrderState::Deleted => "Supprimée",
    }
}

/// An order's payment state.
pub fn payment_state(state: OrderPaymentState) -> &'static str {
    match state {
        OrderPaymentState::AwaitingPayment => "En attente de paiement",
        OrderPaymentState::Paid => "Payée",
        OrderPaymentState::LastPaymentFailed => "Dernier paiement refusé",
    }
}

/// Login refused.
pub const WRONG_LOGIN: &str = "E-mail ou mot de passe incorrect.";
/// Too many failed logins.
pub fn login_wait(seconds: u64) -> String {
    format!("Trop de tentatives pour cet identifiant : réessayez dans {seconds} s.")
}
/// An account already uses the email.
pub const EMAIL_TAKEN: &str = "Un compte existe déjà avec cet e-mail : connectez-vous.";
/// The current password is wrong.
pub const WRONG_PASSWORD: &str = "Mot de passe actuel incorrect.";
/// The two passwords differ.
pub const PASSWORDS_DIFFER: &str = "Les deux mots de passe ne sont pas identiques.";
/// A quantity that is not a whole number of at least 1.
pub const BAD_QUANTITY: &str = "Indiquez une quantité entière d’au moins 1.";
