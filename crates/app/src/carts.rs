//! Carts: a customer's (or a guest's) selection before the order is placed. A cart
//! survives between visits; a guest's cart is identified by an unguessable id and is kept
//! when the guest logs in; checking out places the order and empties the cart in the same
//! transaction.

use domain::cart::Cart;
use domain::catalogue::Article;
use domain::ids::{AdresseId, CartId, TiersId};
use domain::money::{Amount, Quantity};
use domain::order::OrderSource;
use domain::pricing::{price, LineInput, Pricing};
use domain::vat::rate_for;
use ports::{Transaction, TxMode};
use serde::Serialize;

use crate::catalogue::{find_article, ArticleKey};
use crate::orders::{LineRequest, OrderRequest, PlacedOrder, ShortagePolicy};
use crate::{Access, App, AppError, Caller};

/// A cart line as shown: the article as it is now, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartLine {
    /// The article.
    pub article: Article,
    /// How many.
    pub quantity: Quantity,
    /// Whether the stock covers the quantity now (it is taken only when the order is placed).
    pub in_stock: bool,
    /// The article's VAT rate today.
    pub vat_rate: domain::vat::VatRate,
}

/// A cart with its lines and its totals at today's prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartView {
    /// The cart.
    pub cart: Cart,
    /// Its lines, in the order they were added.
    pub lines: Vec<CartLine>,
    /// Its totals; `None` for an empty cart.
    pub pricing: Option<Pricing>,
}

/// What checkout collects besides the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkout {
    /// The customer (the caller, for a customer).
    pub customer: TiersId,
    /// Who pays, when not the customer.
    pub payer: Option<TiersId>,
    /// Who receives, when not the customer.
    pub recipient: Option<TiersId>,
    /// Where to deliver; the customer's default delivery address when absent.
    pub delivery_address: Option<AdresseId>,
    /// Where to bill; the customer's default billing address when absent, else the
    /// delivery address.
    pub billing_address: Option<AdresseId>,
    /// What to do when stock is short.
    pub on_shortage: ShortagePolicy,
}

/// The cart [`App::open_cart`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCart {
    /// The cart.
    pub cart: Cart,
    /// Whether it was made now (else it is the customer's existing one).
    pub created: bool,
}

impl App {
    /// A new empty cart: a customer's own (their existing cart if they have one), or a
    /// guest's, whose unguessable id is the only way back to it.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn open_cart(&self, caller: &Caller) -> Result<OpenedCart, AppError> {
        let owner = match caller.access {
            Access::Customer(me) => Some(me),
            _ => None,
        };
        let now = self.now();
        let fresh = Cart::new(CartId::from_u128(self.ids.secret()), owner, now);
        transaction!(self, TxMode::Write, |tx| {
            if let Some(owner) = owner {
                if let Some(existing) = tx.cart_of(owner).await? {
                    return Ok(OpenedCart {
                        cart: existing,
                        created: false,
                    });
                }
            }
            tx.save_cart(&fresh).await?;
            Ok(OpenedCart {
                cart: fresh.clone(),
                created: true,
            })
        })
    }

    /// A cart with its lines and totals.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also for someone else's cart.
    pub async fn cart(&self, caller: &Caller, id: CartId) -> Result<CartView, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let cart = reachable_cart(&mut *tx, caller, id).await?;
            view(&mut *tx, cart).await
        })
    }

    /// Adds articles to a cart (several at once, as a shop link pre-filling a cart does).
    ///
    /// # Errors
    /// [`AppError::Lines`] for unknown articles; [`AppError::Cart`] when the cart is full;
    /// [`AppError::NotFound`].
    pub async fn add_to_cart(
        &self,
        caller: &Caller,
        id: CartId,
        items: &[(ArticleKey, Quantity)],
    ) -> Result<CartView, AppError> {
        self.change_cart(caller, id, CartChange::Add(items)).await
    }

    /// Sets the quantity of an article in a cart.
    ///
    /// # Errors
    /// [`AppError::Cart`] when the article is not in the cart; [`AppError::NotFound`].
    pub async fn set_cart_quantity(
        &self,
        caller: &Caller,
        id: CartId,
        key: &ArticleKey,
        quantity: Quantity,
    ) -> Result<CartView, AppError> {
        self.change_cart(caller, id, CartChange::Set(key, quantity))
            .await
    }

    /// Removes an article from a cart.
    ///
    /// # Errors
    /// [`AppError::Cart`] when the article is not in the cart; [`AppError::NotFound`].
    pub async fn remove_from_cart(
        &self,
        caller: &Caller,
        id: CartId,
        key: &ArticleKey,
    ) -> Result<CartView, AppError> {
        self.change_cart(caller, id, CartChange::Remove(key)).await
    }

    /// Empties a cart.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn clear_cart(&self, caller: &Caller, id: CartId) -> Result<CartView, AppError> {
        self.change_cart(caller, id, CartChange::Clear).await
    }

    /// Gives a guest's cart to the customer who just logged in: its items join the
    /// customer's own cart (which is kept), or the cart becomes theirs.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is a customer; [`AppError::NotFound`].
    pub async fn claim_cart(
        &self,
        caller: &Caller,
        guest_cart: CartId,
    ) -> Result<CartView, AppError> {
        let Access::Customer(me) = caller.access else {
            return Err(AppError::Forbidden(
                "only a customer claims a cart".to_owned(),
            ));
        };
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let guest = tx
                .get_cart(guest_cart)
                .await?
                .filter(|c| c.owner.is_none() || c.owner == Some(me))
                .ok_or_else(|| AppError::not_found("cart", guest_cart))?;
            let cart = match tx.cart_of(me).await? {
                Some(mut own) if own.id != guest.id => {
                    for item in guest.items() {
                        own.add(item.article, item.quantity, now)?;
                    }
                    tx.delete_cart(guest.id).await?;
                    own
                }
                _ => {
                    let mut cart = guest;
                    cart.assign_to(me, now);
                    cart
                }
            };
            tx.save_cart(&cart).await?;
            view(&mut *tx, cart).await
        })
    }

    /// Places the order of a cart (online: placed and validated at once) and empties the
    /// cart, in one transaction. An abandoned checkout leaves the cart as it was.
    ///
    /// # Errors
    /// As [`App::place_order`]; [`AppError::Invalid`] for an empty cart.
    pub async fn checkout(
        &self,
        caller: &Caller,
        id: CartId,
        checkout: &Checkout,
    ) -> Result<PlacedOrder, AppError> {
        crate::scope::require_account(caller)?;
        transaction!(self, TxMode::Write, |tx| {
            let cart = reachable_cart(&mut *tx, caller, id).await?;
            if cart.is_empty() {
                return Err(AppError::invalid(
                    "cart",
                    "the cart is empty: add articles before checking out",
                ));
            }
            // The customer's defaults are read only when the checkout leaves an address out.
            let defaults = match (checkout.delivery_address, checkout.billing_address) {
                (Some(_), Some(_)) => ports::AddressDefaults::default(),
                _ => tx.address_defaults(checkout.customer).await?,
            };
            let delivery_address =
                checkout
                    .delivery_address
                    .or(defaults.delivery)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "delivery_address",
                            "name the delivery address: the customer has no default one",
                        )
                    })?;
            let request = OrderRequest {
                customer: checkout.customer,
                payer: checkout.payer,
                recipient: checkout.recipient,
                delivery_address,
                billing_address: checkout.billing_address.or(defaults.billing),
                lines: cart
                    .items()
                    .iter()
                    .map(|item| LineRequest {
                        article: ArticleKey::Id(item.article),
                        quantity: item.quantity,
                        discount: Amount::ZERO,
                    })
                    .collect(),
                global_discount: Amount::ZERO,
                source: OrderSource::Online,
                site: None,
                on_shortage: checkout.on_shortage,
            };
            let placed = self
                .place_in(&mut *tx, caller, &request, true, None)
                .await?;
            tx.delete_cart(cart.id).await?;
            Ok(placed)
        })
    }

    async fn change_cart(
        &self,
        caller: &Caller,
        id: CartId,
        change: CartChange<'_>,
    ) -> Result<CartView, AppError> {
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let mut cart = reachable_cart(&mut *tx, caller, id).await?;
            change.apply(&mut *tx, &mut cart, now).await?;
            tx.save_cart(&cart).await?;
            view(&mut *tx, cart).await
        })
    }
}

/// One change to a cart.
enum CartChange<'a> {
    Add(&'a [(ArticleKey, Quantity)]),
    Set(&'a ArticleKey, Quantity),
    Remove(&'a ArticleKey),
    Clear,
}

impl CartChange<'_> {
    async fn apply(
        &self,
        tx: &mut dyn Transaction,
        cart: &mut Cart,
        now: time::OffsetDateTime,
    ) -> Result<(), AppError> {
        match self {
            CartChange::Add(items) => {
                let mut problems = Vec::new();
                for (i, (key, quantity)) in items.iter().enumerate() {
                    match find_article(&mut *tx, key).await? {
                        Some(article) => cart.add(article.id, *quantity, now)?,
                        None => problems.push(crate::LineProblem {
                            line: i + 1,
                            article: key.to_string(),
                            code: "unknown_article",
                            message: format!("article {key} does not exist"),
                        }),
                    }
                }
                if !problems.is_empty() {
                    return Err(AppError::Lines(problems));
                }
            }
            CartChange::Set(key, quantity) => {
                let article = find_article(&mut *tx, key)
                    .await?
                    .ok_or_else(|| AppError::not_found("article", key))?;
                cart.set_quantity(article.id, *quantity, now)?;
            }
            CartChange::Remove(key) => {
                let article = find_article(&mut *tx, key)
                    .await?
                    .ok_or_else(|| AppError::not_found("article", key))?;
                cart.remove(article.id, now)?;
            }
            CartChange::Clear => cart.clear(now),
        }
        Ok(())
    }
}

async fn reachable_cart(
    tx: &mut dyn Transaction,
    caller: &Caller,
    id: CartId,
) -> Result<Cart, AppError> {
    match tx.get_cart(id).await? {
        Some(cart) if crate::scope::may_use_cart(caller, &cart) => Ok(cart),
        _ => Err(AppError::not_found("cart", id)),
    }
}

async fn view(tx: &mut dyn Transaction, cart: Cart) -> Result<CartView, AppError> {
    let ids: Vec<_> = cart.items().iter().map(|i| i.article).collect();
    let articles = if ids.is_empty() {
        Vec::new()
    } else {
        tx.get_articles(&ids).await?
    };
    let codes = tx.list_vat_codes().await?;
    let mut lines = Vec::new();
    let mut inputs = Vec::new();
    for item in cart.items() {
        // An article removed from the catalogue since is left out of the view.
        let Some(article) = articles.iter().find(|a| a.id == item.article) else {
            continue;
        };
        let rate = rate_for(&codes, article.details.vat_code.as_ref())
            .map_err(|e| AppError::invalid("vat_code", e))?;
        inputs.push(LineInput {
            quantity: item.quantity,
            unit_price: article.details.unit_price,
            discount: Amount::ZERO,
            vat_rate: rate,
        });
        lines.push(CartLine {
            article: article.clone(),
            quantity: item.quantity,
            in_stock: article.stock >= item.quantity.get(),
            vat_rate: rate,
        });
    }
    let pricing = if inputs.is_empty() {
        None
    } else {
        Some(price(&inputs, Amount::ZERO).map_err(domain::order::OrderError::from)?)
    };
    Ok(CartView {
        cart,
        lines,
        pricing,
    })
}
