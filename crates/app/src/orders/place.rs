//! Placing an order: online and from programs (placed and validated at once), or as a
//! draft at a site. One transaction: the lines are checked against the catalogue, the
//! stock is taken, the price, designation and rate are copied into the lines, the totals
//! and the planned delivery date are computed, the order gets its number, and its state
//! change, its stock movements and its messages are stored, all together or not at all.

use std::collections::HashMap;

use domain::calendar::planned_delivery;
use domain::catalogue::Article;
use domain::ids::{ArticleId, CommandeId};
use domain::money::{Amount, Quantity};
use domain::order::{
    Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource, SiteCode,
};
use domain::party::Societe;
use domain::vat::{rate_for, VatCode};
use ports::{
    IdempotencyRecord, MovementReason, Shortage, StockError, StoreError, Transaction, TxMode,
};
use serde::Serialize;

use super::fit::{fit_to_stock, StockLine};
use super::{access, messages, LineRequest, OrderRequest, ShortagePolicy};
use crate::catalogue::{find_article, ArticleKey};
use crate::fingerprint::fingerprint;
use crate::parties::existing_tiers;
use crate::{Access, App, AppError, Caller, LineProblem};

/// What placing an order gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacedOrder {
    /// The order as stored.
    pub order: Commande,
    /// The articles that were short and reduced, when the request said to go on with what
    /// is available.
    pub reduced: Vec<Shortage>,
    /// Whether this is the order a previous request with the same idempotency key placed
    /// (nothing new was created).
    pub replayed: bool,
}

/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

impl App {
    /// Places an order and validates it at once: the online shop's submission, or an
    /// order sent by another program. With an idempotency key, a request already placed
    /// under that key gives back the first order and creates nothing; the same key with a
    /// different request is refused.
    ///
    /// # Errors
    /// [`AppError::Lines`] (unknown article, quantity below the minimum or above the
    /// maximum: every line at fault); [`AppError::Shortage`] (every short article with what
    /// is available); [`AppError::NotFound`] for unknown parties or site;
    /// [`AppError::Conflict`] (`idempotency_key_reused`); [`AppError::Forbidden`].
    pub async fn place_order(
        &self,
        caller: &Caller,
        request: &OrderRequest,
        idempotency_key: Option<&str>,
    ) -> Result<PlacedOrder, AppError> {
        self.check_request(caller, request)?;
        let key = match idempotency_key {
            Some(key) => Some(scoped_key(caller, key)?),
            None => None,
        };
        let hash = fingerprint(request);
        transaction!(self, TxMode::Write, |tx| {
            if let Some(key) = &key {
                if let Some(replay) = self.replay(&mut *tx, caller, key, &hash).await? {
                    return Ok(replay);
                }
            }
            let placed = self.place_in(&mut *tx, caller, request, true).await?;
            if let Some(key) = &key {
                let record = IdempotencyRecord {
                    key: key.clone(),
                    request_hash: hash.clone(),
                    order: placed.order.id(),
                    created_at: placed.order.ordered_at(),
                };
                tx.save_idempotency(&record).await.map_err(|e| match e {
                    // Another request with this key committed meanwhile: run again, and the
                    // next run gives its order back.
                    StoreError::Duplicate { .. } => AppError::Store(StoreError::Retryable(
                        "the idempotency key was used by a concurrent request".into(),
                    )),
                    other => AppError::Store(other),
                })?;
            }
            Ok(placed)
        })
    }

    /// Creates a draft at a site: the order taker builds it with the customer, then it is
    /// validated ([`App::validate_order`]). Stock is taken only at validation.
    ///
    /// # Errors
    /// As [`App::place_order`], but stock is not checked.
    pub async fn create_draft(
        &self,
        caller: &Caller,
        request: &OrderRequest,
    ) -> Result<Commande, AppError> {
        access::require_internal(caller, "create draft orders")?;
        self.check_request(caller, request)?;
        transaction!(self, TxMode::Write, |tx| {
            let placed = self.place_in(&mut *tx, caller, request, false).await?;
            Ok(placed.order)
        })
    }

    fn check_request(&self, caller: &Caller, request: &OrderRequest) -> Result<(), AppError> {
        if request.lines.is_empty() {
            return Err(AppError::invalid(
                "lines",
                "an order needs at least one line",
            ));
        }
        if let Access::Customer(me) = caller.access {
            if request.customer != me {
                return Err(AppError::Forbidden(
                    "a customer orders for themselves only".to_owned(),
                ));
            }
            let discounted = request.global_discount != Amount::ZERO
                || request.lines.iter().any(|l| l.discount != Amount::ZERO);
            if discounted {
                return Err(AppError::Forbidden(
                    "only staff may grant discounts".to_owned(),
                ));
            }
        }
        Ok(())
    }

    async fn replay(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        key: &str,
        hash: &str,
    ) -> Result<Option<PlacedOrder>, AppError> {
        let Some(record) = tx.find_idempotency(key).await? else {
            return Ok(None);
        };
        if record.request_hash != hash {
            return Err(AppError::Conflict {
                code: "idempotency_key_reused",
                message: "this idempotency key was already used for a different order request; use a new key for a new order".to_owned(),
            });
        }
        let order = tx.get_order(record.order).await?;
        let order = access::visible(caller, order, &record.order.to_string())?;
        Ok(Some(PlacedOrder {
            order,
            reduced: Vec::new(),
            replayed: true,
        }))
    }

    /// The body of placing, inside the caller's transaction.
    pub(crate) async fn place_in(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        request: &OrderRequest,
        validate: bool,
    ) -> Result<PlacedOrder, AppError> {
        let now = self.now();
        let site = self.site_for(tx, caller, request).await?;
        let customer = existing_tiers(&mut *tx, request.customer).await?;
        check_parties(
            &mut *tx,
            request.payer.filter(|&p| p != request.customer),
            request.recipient.filter(|&r| r != request.customer),
            Some(request.delivery_address),
            request.billing_address,
        )
        .await?;

        let (articles, mut drafts) = priced_lines(tx, &request.lines).await?;
        let id = CommandeId::from_u128(self.ids.next_id());
        let mut reduced = Vec::new();
        if validate {
            reduced = take_stock(
                tx,
                &mut drafts,
                &articles,
                request.on_shortage,
                id,
                now,
                caller,
            )
            .await?;
        }

        let site_code = site.site_code.clone().ok_or_else(|| {
            AppError::invalid("site", format!("company {} is not a site", site.id))
        })?;
        let sequence = tx.next_order_number(&site_code).await?;
        let number =
            OrderNumber::new(site_code, sequence).map_err(|e| AppError::invalid("site", e))?;
        let planned = planned_delivery(now.date(), self.settings.lead_days).ok_or_else(|| {
            AppError::invalid("ordered_at", "no working day left in the calendar")
        })?;
        let taken_by = match caller.access {
            Access::OrderTaker { tiers, .. } => Some(tiers),
            _ => None,
        };
        let mut order = Commande::create(
            NewCommande {
                id,
                number,
                parties: OrderParties {
                    customer: request.customer,
                    payer: request.payer.unwrap_or(request.customer),
                    recipient: request.recipient.unwrap_or(request.customer),
                    delivery_address: request.delivery_address,
                    billing_address: request.billing_address,
                },
                site: site.id,
                taken_by,
                source: request.source,
                ordered_at: now,
                planned_delivery: planned,
                global_discount: request.global_discount,
                lines: drafts,
            },
            caller.actor.clone(),
            None,
        )?;
        if validate {
            order.validate(now, caller.actor.clone(), None)?;
        }
        tx.insert_order(&order).await?;
        if validate {
            messages::order_validated(&mut *tx, &*self.ids, &order, &customer, &site, now).await?;
        }
        Ok(PlacedOrder {
            order,
            reduced,
            replayed: false,
        })
    }

    /// The site an order is numbered under: the order taker's own, the one the request
    /// names (staff only), or the online site.
    async fn site_for(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        request: &OrderRequest,
    ) -> Result<Societe, AppError> {
        if let Access::OrderTaker { site, .. } = caller.access {
            return tx
                .get_societe(site)
                .await?
                .ok_or_else(|| AppError::not_found("site", site));
        }
        let code: &SiteCode = match (&request.site, caller.access) {
            (Some(code), Access::Staff | Access::System) => code,
            (Some(_), _) => {
                return Err(AppError::Forbidden(
                    "only staff choose the site of an order".to_owned(),
                ))
            }
            (None, _)
                if request.source == OrderSource::Site || request.source == OrderSource::Phone =>
            {
                return Err(AppError::invalid(
                    "site",
                    "an order taken at a site or by phone names its site",
                ))
            }
            (None, _) => &self.settings.online_site,
        };
        tx.find_site(code)
            .await?
            .ok_or_else(|| AppError::not_found("site", code))
    }
}

/// Checks that the people and addresses an order names exist, naming the field at fault.
pub(crate) async fn check_parties(
    tx: &mut dyn Transaction,
    payer: Option<domain::ids::TiersId>,
    recipient: Option<domain::ids::TiersId>,
    delivery_address: Option<domain::ids::AdresseId>,
    billing_address: Option<domain::ids::AdresseId>,
) -> Result<(), AppError> {
    for (field, id) in [("payer", payer), ("recipient", recipient)] {
        if let Some(id) = id {
            if tx.get_tiers(id).await?.is_none() {
                return Err(AppError::invalid(
                    field,
                    format!("person {id} does not exist"),
                ));
            }
        }
    }
    for (field, id) in [
        ("delivery_address", delivery_address),
        ("billing_address", billing_address),
    ] {
        if let Some(id) = id {
            if tx.get_adresse(id).await?.is_none() {
                return Err(AppError::invalid(
                    field,
                    format!("address {id} does not exist"),
                ));
            }
        }
    }
    Ok(())
}

/// The key under which an idempotency key is stored: scoped by who sent it, so two callers
/// can never collide.
fn scoped_key(caller: &Caller, key: &str) -> Result<String, AppError> {
    let key = key.trim();
    if key.is_empty()
        || key.chars().count() > MAX_IDEMPOTENCY_KEY
        || key.chars().any(char::is_control)
    {
        return Err(AppError::invalid(
            "Idempotency-Key",
            format!("an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY} printable characters"),
        ));
    }
    Ok(format!("{}:{key}", caller.actor))
}

/// Resolves the requested lines against the catalogue and copies each article's price,
/// designation and VAT rate into a line; every line at fault is reported at once.
pub(crate) async fn priced_lines(
    tx: &mut dyn Transaction,
    lines: &[LineRequest],
) -> Result<(HashMap<ArticleId, Article>, Vec<LineDraft>), AppError> {
    let articles = load_articles(tx, lines.iter().map(|l| &l.article)).await?;
    let codes: Vec<VatCode> = tx.list_vat_codes().await?;
    let mut problems = Vec::new();
    let mut drafts = Vec::with_capacity(lines.len());
    let mut per_article: HashMap<ArticleId, u64> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        let problem = |code, message: String| LineProblem {
            line: i + 1,
            article: line.article.to_string(),
            code,
            message,
        };
        let Some(article) = lookup(&articles, &line.article) else {
            problems.push(problem(
                "unknown_article",
                format!("article {} does not exist", line.article),
            ));
            continue;
        };
        if let Err(e) = article.details.check_quantity(line.quantity) {
            let code = match e {
                domain::catalogue::QuantityRuleError::BelowMinimum { .. } => "below_minimum",
                domain::catalogue::QuantityRuleError::AboveMaximum { .. } => "above_maximum",
            };
            problems.push(problem(code, e.to_string()));
            continue;
        }
        *per_article.entry(article.id).or_default() += u64::from(line.quantity.get());
        if let Some(max) = article.details.max_per_order {
            if per_article[&article.id] > u64::from(max.get()) {
                problems.push(problem(
                    "above_maximum",
                    format!(
                        "article {}: {} in all is above the maximum of {max} per order",
                        article.details.reference, per_article[&article.id]
                    ),
                ));
                continue;
            }
        }
        let rate = rate_for(&codes, article.details.vat_code.as_ref())
            .map_err(|e| AppError::invalid("vat_code", e))?;
        drafts.push(LineDraft::from_article(
            article,
            rate,
            line.quantity,
            line.discount,
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Lines(problems));
    }
    Ok((articles.into_iter().map(|a| (a.id, a)).collect(), drafts))
}

/// Loads the articles named by id in one query, and those named by reference one by one.
async fn load_articles<'k>(
    tx: &mut dyn Transaction,
    keys: impl Iterator<Item = &'k ArticleKey>,
) -> Result<Vec<Article>, AppError> {
    let mut ids = Vec::new();
    let mut references = Vec::new();
    for key in keys {
        match key {
            ArticleKey::Id(id) => ids.push(*id),
            ArticleKey::Reference(_) => references.push(key),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let mut articles = if ids.is_empty() {
        Vec::new()
    } else {
        tx.get_articles(&ids).await?
    };
    for key in references {
        if lookup(&articles, key).is_none() {
            if let Some(article) = find_article(&mut *tx, key).await? {
                articles.push(article);
            }
        }
    }
    Ok(articles)
}

fn lookup<'a>(articles: &'a [Article], key: &ArticleKey) -> Option<&'a Article> {
    articles.iter().find(|a| match key {
        ArticleKey::Id(id) => a.id == *id,
        ArticleKey::Reference(reference) => &a.details.reference == reference,
    })
}

/// Takes the stock of the lines. With [`ShortagePolicy::TakeAvailable`], short lines are
/// reduced to what is available (and dropped when nothing or less than the minimum is
/// left) and the reductions are given back; otherwise a shortage refuses the order.
pub(crate) async fn take_stock(
    tx: &mut dyn Transaction,
    drafts: &mut Vec<LineDraft>,
    articles: &HashMap<ArticleId, Article>,
    policy: ShortagePolicy,
    order: CommandeId,
    now: time::OffsetDateTime,
    caller: &Caller,
) -> Result<Vec<Shortage>, AppError> {
    let movements = |drafts: &[LineDraft]| -> Vec<ports::StockMovement> {
        drafts
            .iter()
            .map(|d| ports::StockMovement {
                article: d.article,
                delta: -i64::from(d.quantity.get()),
                reason: MovementReason::OrderValidated,
                order: Some(order),
                at: now,
                by: caller.actor.clone(),
                note: None,
            })
            .collect()
    };
    let shortages = match tx.apply_movements(&movements(drafts)).await {
        Ok(_) => return Ok(Vec::new()),
        Err(StockError::Short(shortages)) if policy == ShortagePolicy::TakeAvailable => shortages,
        Err(e) => return Err(e.into()),
    };
    let lines: Vec<StockLine> = drafts
        .iter()
        .map(|d| StockLine {
            article: d.article,
            quantity: d.quantity.get(),
            minimum: articles
                .get(&d.article)
                .map_or(1, |a| a.details.min_quantity.get()),
        })
        .collect();
    let fitted = fit_to_stock(&lines, &shortages);
    let mut kept = Vec::with_capacity(drafts.len());
    for (draft, quantity) in drafts.drain(..).zip(fitted) {
        if let Ok(quantity) = Quantity::new(quantity) {
            kept.push(LineDraft { quantity, ..draft });
        }
    }
    if kept.is_empty() {
        return Err(AppError::Shortage(shortages));
    }
    // The articles are locked by the first attempt: what was available still is.
    tx.apply_movements(&movements(&kept)).await?;
    *drafts = kept;
    Ok(shortages)
}
