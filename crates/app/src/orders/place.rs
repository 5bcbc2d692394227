//! Placing an order: online and from programs (placed and validated at once), or as a
//! draft at a site. One transaction: the lines are checked against the catalogue, the
//! stock is taken, the price, designation and rate are copied into the lines, the totals
//! and the planned delivery date are computed, the order gets its number, and its state
//! change, its stock movements and its messages are stored, all together or not at all.

use std::collections::HashMap;

use domain::calendar::planned_delivery;
use domain::catalogue::Article;
use domain::ids::{AdresseId, ArticleId, CommandeId, TiersId};
use domain::money::{Amount, Quantity};
use domain::order::{Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource};
use domain::vat::{rate_for, VatCode};
use ports::{
    IdempotencyRecord, MovementReason, OutboxMessage, PlacementQuery, PlacementWrites, Shortage,
    SiteKey, StockError, StoreError, Transaction, TxMode,
};
use serde::Serialize;

use super::fit::{fit_to_stock, StockLine};
use super::{messages, LineRequest, OrderRequest, ShortagePolicy};
use crate::catalogue::{find_article, ArticleKey};
use crate::fingerprint::fingerprint;
use crate::{scope, Access, App, AppError, Caller, LineProblem};

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
        let idempotency = key.as_deref().map(|key| Idempotency { key, hash: &hash });
        transaction!(self, TxMode::Write, |tx| {
            self.place_in(&mut *tx, caller, request, true, idempotency)
                .await
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
        scope::require_internal(caller, "create draft orders")?;
        self.check_request(caller, request)?;
        transaction!(self, TxMode::Write, |tx| {
            let placed = self
                .place_in(&mut *tx, caller, request, false, None)
                .await?;
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
        scope::require_account(caller)?;
        if let Access::Customer(_) = caller.access {
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

    /// The order a previous request with the same idempotency key placed, or a conflict
    /// when that request was a different one.
    async fn replay(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        record: &IdempotencyRecord,
        hash: &str,
    ) -> Result<PlacedOrder, AppError> {
        if record.request_hash != hash {
            return Err(AppError::Conflict {
                code: "idempotency_key_reused",
                message: "this idempotency key was already used for a different order request; use a new key for a new order".to_owned(),
            });
        }
        let order = tx.get_order(record.order).await?;
        let order = scope::visible_order(caller, order, &record.order.to_string())?;
        Ok(PlacedOrder {
            order,
            reduced: Vec::new(),
            replayed: true,
        })
    }

    /// The body of placing, inside the caller's transaction. Everything it reads before
    /// writing is asked for at once ([`ports::PlacementStore`]); with an idempotency key
    /// already used, it gives back that order and writes nothing.
    pub(crate) async fn place_in(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        request: &OrderRequest,
        validate: bool,
        idempotency: Option<Idempotency<'_>>,
    ) -> Result<PlacedOrder, AppError> {
        let now = self.now();
        let site_key = self.site_key(caller, request)?;
        let mut people = vec![request.customer];
        people.extend(request.payer);
        people.extend(request.recipient);
        let mut addresses = vec![request.delivery_address];
        addresses.extend(request.billing_address);
        let article_ids = ids_of(request.lines.iter().map(|l| &l.article));
        let context = tx
            .placement_context(&PlacementQuery {
                site: site_key,
                people: &people,
                addresses: &addresses,
                articles: &article_ids,
                idempotency_key: idempotency.as_ref().map(|i| i.key),
                take_order_number: true,
            })
            .await?;
        if let (Some(record), Some(idempotency)) = (&context.idempotency, &idempotency) {
            return self.replay(tx, caller, record, idempotency.hash).await;
        }

        let site = context.site.clone().ok_or_else(|| match site_key {
            SiteKey::Id(id) => AppError::not_found("site", id),
            // A site the request names is a body id: as every other, refused naming it.
            SiteKey::Code(code) if request.site.is_some() => {
                AppError::invalid("site", format!("site {code} does not exist"))
            }
            SiteKey::Code(code) => AppError::not_found("site", code),
        })?;
        // An order taker takes orders at their own site: another one, named, is refused
        // as if it did not exist.
        if let Some(code) = request
            .site
            .as_ref()
            .filter(|&c| site.site_code.as_ref() != Some(c))
        {
            return Err(AppError::invalid(
                "site",
                format!("site {code} does not exist"),
            ));
        }
        let customer = context
            .people
            .iter()
            .find(|t| t.id == request.customer)
            .cloned()
            .ok_or_else(|| scope::unknown_person("customer", request.customer))?;
        let known_people: Vec<TiersId> = context.people.iter().map(|t| t.id).collect();
        let known_addresses: Vec<AdresseId> = context.addresses.iter().map(|a| a.id).collect();
        parties_exist(
            &known_people,
            &known_addresses,
            request.payer.filter(|&p| p != request.customer),
            request.recipient.filter(|&r| r != request.customer),
            Some(request.delivery_address),
            request.billing_address,
        )?;
        let parties = OrderParties {
            customer: request.customer,
            payer: request.payer.unwrap_or(request.customer),
            recipient: request.recipient.unwrap_or(request.customer),
            delivery_address: request.delivery_address,
            billing_address: request.billing_address,
        };
        scope::check_order_parties(tx, caller, &parties).await?;

        let articles = resolve_references(
            tx,
            request.lines.iter().map(|l| &l.article),
            context.articles,
        )
        .await?;
        let (articles, mut drafts) = price_lines(articles, &context.vat_codes, &request.lines)?;
        let id = CommandeId::from_u128(self.ids.next_id());
        let site_code = site.site_code.clone().ok_or_else(|| {
            AppError::invalid("site", format!("company {} is not a site", site.id))
        })?;
        // Taken with the reads; a store that could not gives it now.
        let sequence = match context.order_number {
            Some(sequence) => sequence,
            None => tx.next_order_number(&site_code).await?,
        };
        let number =
            OrderNumber::new(site_code, sequence).map_err(|e| AppError::invalid("site", e))?;
        let planned = planned_delivery(now.date(), self.settings.lead_days).ok_or_else(|| {
            AppError::invalid("ordered_at", "no working day left in the calendar")
        })?;
        let (taken_by, placed_by) = match caller.access {
            Access::OrderTaker { tiers, .. } => (Some(tiers), None),
            Access::Program(account) => (None, Some(account)),
            Access::Staff | Access::Customer(_) | Access::Guest | Access::System => (None, None),
        };
        // The order and what it sends, built from its lines: once with every line as
        // asked, and again should some be reduced to the stock available.
        let build = |lines: Vec<LineDraft>| -> Result<(Commande, Vec<OutboxMessage>), AppError> {
            let mut order = Commande::create(
                NewCommande {
                    id,
                    number: number.clone(),
                    parties,
                    site: site.id,
                    taken_by,
                    placed_by,
                    source: request.source,
                    ordered_at: now,
                    planned_delivery: planned,
                    global_discount: request.global_discount,
                    lines,
                },
                caller.actor.clone(),
                None,
            )?;
            if !validate {
                return Ok((order, Vec::new()));
            }
            order.validate(now, caller.actor.clone(), None)?;
            let messages = messages::validated_messages(&*self.ids, &order, &customer, &site, now);
            Ok((order, messages))
        };
        let record = idempotency.map(|idempotency| IdempotencyRecord {
            key: idempotency.key.to_owned(),
            request_hash: idempotency.hash.to_owned(),
            order: id,
            created_at: now,
        });

        // The stock is taken with the writes, in one round trip: a shortage refuses them
        // all, and then, when the request says so, the lines are reduced to what is
        // available and written again.
        let movements = if validate {
            movements_for(&drafts, id, now, caller)
        } else {
            Vec::new()
        };
        let (mut order, mut outgoing) = build(drafts.clone())?;
        let first = tx
            .record_placement(&PlacementWrites {
                movements: &movements,
                order: &order,
                messages: &outgoing,
                idempotency: record.as_ref(),
            })
            .await;
        let mut reduced = Vec::new();
        match first {
            Ok(()) => {}
            Err(StockError::Short(shortages))
                if request.on_shortage == ShortagePolicy::TakeAvailable =>
            {
                reduced =
                    take_available(tx, &mut drafts, &articles, shortages, id, now, caller).await?;
                (order, outgoing) = build(drafts)?;
                tx.record_placement(&PlacementWrites {
                    movements: &[],
                    order: &order,
                    messages: &outgoing,
                    idempotency: record.as_ref(),
                })
                .await
                .map_err(placement_refused)?;
            }
            Err(refused) => return Err(placement_refused(refused)),
        }
        Ok(PlacedOrder {
            order,
            reduced,
            replayed: false,
        })
    }

    /// The site an order is numbered under: the order taker's own, the one the request
    /// names (staff only), or the online site.
    fn site_key<'r>(
        &'r self,
        caller: &Caller,
        request: &'r OrderRequest,
    ) -> Result<SiteKey<'r>, AppError> {
        if let Access::OrderTaker { site, .. } = caller.access {
            return Ok(SiteKey::Id(site));
        }
        match (&request.site, caller.access) {
            (Some(code), Access::Staff | Access::System) => Ok(SiteKey::Code(code)),
            (Some(_), _) => Err(AppError::Forbidden(
                "only staff choose the site of an order".to_owned(),
            )),
            (None, _)
                if request.source == OrderSource::Site || request.source == OrderSource::Phone =>
            {
                Err(AppError::invalid(
                    "site",
                    "an order taken at a site or by phone names its site",
                ))
            }
            (None, _) => Ok(SiteKey::Code(&self.settings.online_site)),
        }
    }
}

/// An idempotency key (scoped by caller) with the fingerprint of its request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Idempotency<'a> {
    key: &'a str,
    hash: &'a str,
}

/// Checks that the people and addresses an order names exist, naming the field at fault.
pub(crate) async fn check_parties(
    tx: &mut dyn Transaction,
    payer: Option<TiersId>,
    recipient: Option<TiersId>,
    delivery_address: Option<AdresseId>,
    billing_address: Option<AdresseId>,
) -> Result<(), AppError> {
    let mut people = Vec::new();
    for id in [payer, recipient].into_iter().flatten() {
        if tx.get_tiers(id).await?.is_some() {
            people.push(id);
        }
    }
    let mut addresses = Vec::new();
    for id in [delivery_address, billing_address].into_iter().flatten() {
        if tx.get_adresse(id).await?.is_some() {
            addresses.push(id);
        }
    }
    parties_exist(
        &people,
        &addresses,
        payer,
        recipient,
        delivery_address,
        billing_address,
    )
}

/// Checks the people and addresses an order names against those known to exist, naming
/// the field at fault.
fn parties_exist(
    people: &[TiersId],
    addresses: &[AdresseId],
    payer: Option<TiersId>,
    recipient: Option<TiersId>,
    delivery_address: Option<AdresseId>,
    billing_address: Option<AdresseId>,
) -> Result<(), AppError> {
    for (field, id) in [("payer", payer), ("recipient", recipient)] {
        if let Some(id) = id.filter(|id| !people.contains(id)) {
            return Err(scope::unknown_person(field, id));
        }
    }
    for (field, id) in [
        ("delivery_address", delivery_address),
        ("billing_address", billing_address),
    ] {
        if let Some(id) = id.filter(|id| !addresses.contains(id)) {
            return Err(scope::unknown_address(field, id));
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
    price_lines(articles, &codes, lines)
}

/// [`priced_lines`] with the articles and VAT codes already read.
fn price_lines(
    articles: Vec<Article>,
    codes: &[VatCode],
    lines: &[LineRequest],
) -> Result<(HashMap<ArticleId, Article>, Vec<LineDraft>), AppError> {
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
        let rate = rate_for(codes, article.details.vat_code.as_ref())
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
    keys: impl Iterator<Item = &'k ArticleKey> + Clone,
) -> Result<Vec<Article>, AppError> {
    let ids = ids_of(keys.clone());
    let articles = if ids.is_empty() {
        Vec::new()
    } else {
        tx.get_articles(&ids).await?
    };
    resolve_references(tx, keys, articles).await
}

/// The ids of the articles named by id, each once, in ascending order.
fn ids_of<'k>(keys: impl Iterator<Item = &'k ArticleKey>) -> Vec<ArticleId> {
    let mut ids: Vec<ArticleId> = keys
        .filter_map(|key| match key {
            ArticleKey::Id(id) => Some(*id),
            ArticleKey::Reference(_) => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Adds to the articles already read by id those named by reference, one by one.
async fn resolve_references<'k>(
    tx: &mut dyn Transaction,
    keys: impl Iterator<Item = &'k ArticleKey>,
    mut articles: Vec<Article>,
) -> Result<Vec<Article>, AppError> {
    for key in keys {
        if matches!(key, ArticleKey::Reference(_)) && lookup(&articles, key).is_none() {
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

/// Why the writes of a placement were refused, as the caller is told.
fn placement_refused(refused: StockError) -> AppError {
    match refused {
        // Another request with this key committed meanwhile: run again, and the next run
        // gives its order back.
        StockError::Store(StoreError::Duplicate {
            entity: "idempotency key",
            ..
        }) => AppError::Store(StoreError::Retryable(
            "the idempotency key was used by a concurrent request".into(),
        )),
        other => other.into(),
    }
}

/// The movements that take the stock of the lines of order `order`.
fn movements_for(
    drafts: &[LineDraft],
    order: CommandeId,
    now: time::OffsetDateTime,
    caller: &Caller,
) -> Vec<ports::StockMovement> {
    let lines = drafts.iter().map(|d| (d.article, d.quantity));
    super::stock::line_movements(
        lines,
        order,
        MovementReason::OrderValidated,
        now,
        &caller.actor,
    )
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
    match tx
        .apply_movements(&movements_for(drafts, order, now, caller))
        .await
    {
        Ok(_) => Ok(Vec::new()),
        Err(StockError::Short(shortages)) if policy == ShortagePolicy::TakeAvailable => {
            take_available(tx, drafts, articles, shortages, order, now, caller).await
        }
        Err(e) => Err(e.into()),
    }
}

/// After a shortage: reduces the short lines to what is available (dropping those left
/// with nothing or less than the article's minimum), takes their stock, and gives the
/// shortages back; refuses the order when no line is left.
async fn take_available(
    tx: &mut dyn Transaction,
    drafts: &mut Vec<LineDraft>,
    articles: &HashMap<ArticleId, Article>,
    shortages: Vec<Shortage>,
    order: CommandeId,
    now: time::OffsetDateTime,
    caller: &Caller,
) -> Result<Vec<Shortage>, AppError> {
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
    tx.apply_movements(&movements_for(&kept, order, now, caller))
        .await?;
    *drafts = kept;
    Ok(shortages)
}
