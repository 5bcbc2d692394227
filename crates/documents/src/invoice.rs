//! The layout of invoices, credit notes and delivery notes.

use domain::billing::{DeliveryNote, Invoice, InvoiceKind, PostalAddress, Seller};
use rust_decimal::Decimal;

use crate::format;
use crate::layout::{Align, Column, Layout, MARGIN, RIGHT, TOP, WIDTH};
use crate::pdf::{Fonts, Page, Style, ACCENT, BLACK, GREY, RULE, SHADE};
use crate::xml::{payment_mentions, payment_terms};

/// The seller's block, top left; returns the y below it.
fn seller_block(l: &mut Layout<'_>, seller: &Seller, with_ids: bool) -> f32 {
    let mut y = TOP - 14.0;
    for line in l.fonts.wrap(Style::Bold, 15.0, &seller.name, 270.0, 2) {
        l.text(MARGIN, y, Style::Bold, 15.0, ACCENT, &line);
        y -= 18.0;
    }
    y -= 2.0;
    let mut lines: Vec<String> = address_lines(&seller.address);
    if let Some(phone) = &seller.phone {
        lines.push(format!("Tél. : {}", format::phone(phone)));
    }
    lines.push(seller.email.clone());
    if with_ids {
        lines.push(format!(
            "SIREN : {} — SIRET : {}",
            format::company_id(seller.siren.as_str()),
            format::company_id(seller.siret.as_str())
        ));
        lines.push(format!(
            "N° TVA intracommunautaire : {}",
            seller.vat_number.as_str()
        ));
        lines.push(format!(
            "{} au capital de {} — RCS {} {}",
            seller.legal_form,
            format::euros(seller.share_capital),
            seller.rcs_town,
            format::company_id(seller.siren.as_str())
        ));
    }
    for line in lines {
        for part in l.fonts.wrap(Style::Regular, 8.5, &line, 270.0, 2) {
            l.text(MARGIN, y, Style::Regular, 8.5, BLACK, &part);
            y -= 11.0;
        }
    }
    y
}

/// An address as printed: street lines, postal code and town, and the country when not
/// France.
fn address_lines(address: &PostalAddress) -> Vec<String> {
    let mut lines: Vec<String> = address
        .lines
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    lines.push(
        format!("{} {}", address.postal_code, address.town)
            .trim()
            .to_owned(),
    );
    if !address.country.eq_ignore_ascii_case("FR") {
        lines.push(address.country.to_ascii_uppercase());
    }
    lines
}

/// The title and the label/value pairs top right; returns the y below them.
fn title_block(l: &mut Layout<'_>, title: &str, subtitle: &str, pairs: &[(String, String)]) -> f32 {
    let mut y = TOP - 18.0;
    l.text_right(RIGHT, y, Style::Bold, 22.0, ACCENT, title);
    y -= 18.0;
    l.text_right(RIGHT, y, Style::Bold, 11.0, BLACK, subtitle);
    y -= 18.0;
    let label_right = RIGHT - 92.0;
    for (label, value) in pairs {
        l.text_right(label_right, y, Style::Regular, 8.5, GREY, label);
        l.text_right(RIGHT, y, Style::Bold, 8.5, BLACK, value);
        y -= 12.0;
    }
    y
}

/// A boxed address block with a small heading; returns its height.
fn address_box(
    l: &mut Layout<'_>,
    x: f32,
    top: f32,
    width: f32,
    heading: &str,
    lines: &[(Style, String)],
    shaded: bool,
) -> f32 {
    let mut wrapped: Vec<(Style, String)> = Vec::new();
    for (style, line) in lines {
        for part in l.fonts.wrap(*style, 9.0, line, width - 20.0, 2) {
            wrapped.push((*style, part));
        }
    }
    let height = 26.0 + wrapped.len() as f32 * 11.5 + 4.0;
    if shaded {
        l.fill(x, top, width, height, SHADE);
    } else {
        l.frame(x, top, width, height);
    }
    l.text(x + 10.0, top - 14.0, Style::Bold, 7.5, GREY, heading);
    let mut y = top - 28.0;
    for (style, line) in &wrapped {
        l.text(x + 10.0, y, *style, 9.0, BLACK, line);
        y -= 11.5;
    }
    height
}

fn quantity(q: u32) -> String {
    format::decimal(Decimal::from(q), 0)
}

/// The pages of an invoice or credit note.
pub fn invoice_pages(fonts: &Fonts, invoice: &Invoice) -> Vec<Page> {
    let kind_title = invoice.kind.title();
    let mut l = Layout::new(
        fonts,
        format!("{kind_title} {} (suite)", invoice.number),
        invoice.seller.name.clone(),
    );
    let seller = &invoice.seller;
    let buyer = &invoice.buyer;
    let totals = &invoice.totals;
    let paid = invoice.kind == InvoiceKind::Invoice && invoice.paid_on.is_some();

    // Header.
    let left_bottom = seller_block(&mut l, seller, true);
    let mut pairs = vec![
        (
            "Date d'émission".to_owned(),
            format::date(invoice.issue_date),
        ),
        (
            "Date de la vente".to_owned(),
            format::date(invoice.sale_date),
        ),
        ("Commande".to_owned(), invoice.order_number.to_string()),
    ];
    match (invoice.kind, invoice.paid_on) {
        (InvoiceKind::Invoice, Some(paid_on)) => {
            pairs.push(("Acquittée le".to_owned(), format::date(paid_on)));
        }
        (InvoiceKind::Invoice, None) => {
            pairs.push(("Date d'échéance".to_owned(), format::date(invoice.due_date)));
        }
        (InvoiceKind::CreditNote, _) => {}
    }
    let right_bottom = title_block(
        &mut l,
        kind_title,
        &format!("N° {}", invoice.number),
        &pairs,
    );
    let mut y = left_bottom.min(right_bottom) - 4.0;
    if let Some(original) = &invoice.corrects {
        let text = format!(
            "Avoir sur la facture {} du {}",
            original.number,
            format::date(original.issue_date)
        );
        l.text_right(RIGHT, y, Style::Bold, 9.5, ACCENT, &text);
        y -= 8.0;
    }
    y -= 10.0;

    // Parties.
    let box_width = 250.0;
    let mut buyer_lines: Vec<(Style, String)> = vec![(Style::Bold, buyer.name.clone())];
    if let Some(contact) = &buyer.contact {
        buyer_lines.push((Style::Regular, format!("À l'attention de {contact}")));
    }
    for line in address_lines(&buyer.address) {
        buyer_lines.push((Style::Regular, line));
    }
    if let Some(business) = &buyer.business {
        buyer_lines.push((
            Style::Regular,
            format!("SIREN : {}", format::company_id(business.siren.as_str())),
        ));
        if let Some(vat) = &business.vat_number {
            buyer_lines.push((
                Style::Regular,
                format!("N° TVA intracommunautaire : {}", vat.as_str()),
            ));
        }
    }
    let buyer_height = address_box(
        &mut l,
        RIGHT - box_width,
        y,
        box_width,
        "FACTURÉ À",
        &buyer_lines,
        true,
    );
    let mut delivery_height: f32 = 0.0;
    if let Some(delivery) = &invoice.delivery {
        let mut lines = vec![(Style::Bold, delivery.recipient.clone())];
        for line in address_lines(&delivery.address) {
            lines.push((Style::Regular, line));
        }
        delivery_height = address_box(
            &mut l,
            MARGIN,
            y,
            box_width,
            "ADRESSE DE LIVRAISON",
            &lines,
            false,
        );
    }
    l.y = y - buyer_height.max(delivery_height) - 22.0;

    // Lines.
    let columns = [
        Column {
            title: "Réf.",
            width: 64.0,
            align: Align::Left,
            max_lines: 2,
        },
        Column {
            title: "Désignation",
            width: WIDTH - 64.0 - 34.0 - 64.0 - 54.0 - 38.0 - 70.0,
            align: Align::Left,
            max_lines: 3,
        },
        Column {
            title: "Qté",
            width: 34.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "P.U. HT",
            width: 64.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Remise",
            width: 54.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "TVA",
            width: 38.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Total HT",
            width: 70.0,
            align: Align::Right,
            max_lines: 1,
        },
    ];
    let size = 8.5;
    l.ensure(60.0);
    l.table_header(MARGIN, &columns, size);
    for line in &invoice.lines {
        let discount = line.discount.value();
        let cells = [
            line.reference.clone(),
            line.designation.clone(),
            quantity(line.quantity.get()),
            format::unit_price(line.unit_price.value()),
            if discount.is_zero() {
                "—".to_owned()
            } else {
                format!("-{}", format::euros(discount))
            },
            format::percent(line.vat_rate.percent()),
            format::euros(line.net),
        ];
        l.table_row(MARGIN, &columns, size, &cells, Style::Regular);
    }

    // VAT breakdown and totals, kept together.
    let breakdown_rows = totals.vat_breakdown.len() as f32;
    let needed = (40.0 + breakdown_rows * 16.0).max(120.0);
    l.y -= 16.0;
    l.ensure(needed);
    let top = l.y;
    let vat_columns = [
        Column {
            title: "Taux TVA",
            width: 50.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Base HT",
            width: 64.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Remise glob.",
            width: 62.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Base taxable",
            width: 66.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "TVA",
            width: 58.0,
            align: Align::Right,
            max_lines: 1,
        },
    ];
    l.text(
        MARGIN,
        l.y - 8.0,
        Style::Bold,
        8.5,
        BLACK,
        "Détail de la TVA",
    );
    l.y -= 14.0;
    l.table_header(MARGIN, &vat_columns, 8.0);
    for share in &totals.vat_breakdown {
        let cells = [
            format::percent(share.rate.percent()),
            format::euros(share.base),
            if share.discount.is_zero() {
                "—".to_owned()
            } else {
                format!("-{}", format::euros(share.discount))
            },
            format::euros(share.taxable),
            format::euros(share.vat),
        ];
        l.table_row(MARGIN, &vat_columns, 8.0, &cells, Style::Regular);
    }
    let left_bottom = l.y;

    let totals_left = RIGHT - 200.0;
    let mut y = top - 10.0;
    let mut rows: Vec<(String, String, bool)> =
        vec![("Total HT".to_owned(), format::euros(totals.total_ht), false)];
    if !totals.global_discount.is_zero() {
        rows.push((
            "Remise globale".to_owned(),
            format!("-{}", format::euros(totals.global_discount)),
            false,
        ));
        rows.push((
            "Total HT net".to_owned(),
            format::euros(totals.total_ht_net),
            false,
        ));
    }
    rows.push((
        "Total TVA".to_owned(),
        format::euros(totals.total_vat),
        false,
    ));
    for (label, value, _) in &rows {
        l.text(totals_left + 8.0, y, Style::Regular, 9.0, BLACK, label);
        l.text_right(RIGHT - 8.0, y, Style::Regular, 9.0, BLACK, value);
        y -= 14.0;
    }
    l.hline(totals_left, RIGHT, y + 6.0, 0.6, RULE);
    y -= 6.0;
    l.text(totals_left + 8.0, y, Style::Bold, 10.0, BLACK, "Total TTC");
    l.text_right(
        RIGHT - 8.0,
        y,
        Style::Bold,
        10.0,
        BLACK,
        &format::euros(totals.total_ttc),
    );
    y -= 10.0;
    match invoice.kind {
        InvoiceKind::Invoice => {
            if let Some(paid_on) = invoice.paid_on {
                y -= 6.0;
                l.text(
                    totals_left + 8.0,
                    y,
                    Style::Regular,
                    9.0,
                    BLACK,
                    &format!("Réglé le {}", format::date(paid_on)),
                );
                l.text_right(
                    RIGHT - 8.0,
                    y,
                    Style::Regular,
                    9.0,
                    BLACK,
                    &format!("-{}", format::euros(totals.total_ttc)),
                );
                y -= 10.0;
            }
            let due = if paid {
                Decimal::ZERO
            } else {
                totals.total_ttc
            };
            l.fill(totals_left, y, RIGHT - totals_left, 22.0, SHADE);
            l.text(
                totals_left + 8.0,
                y - 15.0,
                Style::Bold,
                11.0,
                ACCENT,
                "Net à payer",
            );
            l.text_right(
                RIGHT - 8.0,
                y - 15.0,
                Style::Bold,
                11.0,
                ACCENT,
                &format::euros(due),
            );
            y -= 22.0;
        }
        InvoiceKind::CreditNote => {
            l.fill(totals_left, y, RIGHT - totals_left, 22.0, SHADE);
            l.text(
                totals_left + 8.0,
                y - 15.0,
                Style::Bold,
                11.0,
                ACCENT,
                "Montant de l'avoir",
            );
            l.text_right(
                RIGHT - 8.0,
                y - 15.0,
                Style::Bold,
                11.0,
                ACCENT,
                &format::euros(totals.total_ttc),
            );
            y -= 22.0;
        }
    }
    l.y = left_bottom.min(y) - 18.0;

    // Payment terms and legal mentions.
    let mentions = payment_mentions(invoice);
    l.ensure(30.0);
    l.paragraph(Style::Bold, 9.0, BLACK, "Conditions de paiement");
    l.y -= 2.0;
    let mut lines = vec![payment_terms(invoice)];
    if let (Some(iban), false) = (&seller.iban, paid) {
        lines.push(format!("IBAN : {}", format::iban(iban)));
    }
    lines.push(mentions.early_payment.trim_end_matches('.').to_owned());
    if buyer.is_business() && invoice.kind == InvoiceKind::Invoice {
        lines.push(mentions.penalties.trim_end_matches('.').to_owned());
        lines.push(mentions.recovery.trim_end_matches('.').to_owned());
    }
    for line in lines {
        l.paragraph(Style::Regular, 8.5, BLACK, &line);
    }

    let footer = vec![
        format!(
            "{} — {} au capital de {} — RCS {} {} — SIRET {}",
            seller.name,
            seller.legal_form,
            format::euros(seller.share_capital),
            seller.rcs_town,
            format::company_id(seller.siren.as_str()),
            format::company_id(seller.siret.as_str()),
        ),
        format!(
            "N° TVA intracommunautaire {} — {}",
            seller.vat_number.as_str(),
            address_lines(&seller.address).join(", ")
        ),
    ];
    l.finish(&footer)
}

/// The pages of a delivery note: no price anywhere.
pub fn delivery_note_pages(fonts: &Fonts, note: &DeliveryNote) -> Vec<Page> {
    let seller = &note.seller;
    let mut l = Layout::new(
        fonts,
        format!("Bon de livraison — commande {} (suite)", note.order_number),
        seller.name.clone(),
    );
    let left_bottom = seller_block(&mut l, seller, false);
    let pairs = [
        ("Date de commande".to_owned(), format::date(note.order_date)),
        (
            "Livraison prévue le".to_owned(),
            format::date(note.planned_delivery),
        ),
    ];
    let right_bottom = title_block(
        &mut l,
        "Bon de livraison",
        &format!("Commande N° {}", note.order_number),
        &pairs,
    );
    let y = left_bottom.min(right_bottom) - 14.0;

    let mut lines = vec![(Style::Bold, note.recipient.clone())];
    for line in address_lines(&note.address) {
        lines.push((Style::Regular, line));
    }
    if let Some(access) = &note.access_notes {
        lines.push((Style::Regular, format!("Accès : {access}")));
    }
    let height = address_box(&mut l, RIGHT - 250.0, y, 250.0, "LIVRER À", &lines, true);
    let planned = format!(
        "Livraison prévue le {}",
        format::date(note.planned_delivery)
    );
    l.text(MARGIN, y - 14.0, Style::Bold, 10.0, ACCENT, &planned);
    l.y = y - height - 22.0;

    let columns = [
        Column {
            title: "Réf.",
            width: 90.0,
            align: Align::Left,
            max_lines: 2,
        },
        Column {
            title: "Désignation",
            width: WIDTH - 90.0 - 70.0 - 60.0,
            align: Align::Left,
            max_lines: 3,
        },
        Column {
            title: "Quantité",
            width: 70.0,
            align: Align::Right,
            max_lines: 1,
        },
        Column {
            title: "Reçu",
            width: 60.0,
            align: Align::Right,
            max_lines: 1,
        },
    ];
    l.ensure(60.0);
    l.table_header(MARGIN, &columns, 9.0);
    let mut total: u64 = 0;
    for line in &note.lines {
        total += u64::from(line.quantity.get());
        let cells = [
            line.reference.clone(),
            line.designation.clone(),
            quantity(line.quantity.get()),
            String::new(),
        ];
        l.table_row(MARGIN, &columns, 9.0, &cells, Style::Regular);
    }
    l.y -= 14.0;
    l.ensure(16.0);
    l.text_right(
        RIGHT - 60.0 - 4.0,
        l.y - 4.0,
        Style::Bold,
        9.0,
        BLACK,
        &format!(
            "Nombre total d'articles : {}",
            format::decimal(Decimal::from(total), 0)
        ),
    );
    l.y -= 24.0;

    // Reception.
    l.ensure(96.0);
    let top = l.y;
    let half = (WIDTH - 12.0) / 2.0;
    l.frame(MARGIN, top, half, 80.0);
    l.text(
        MARGIN + 8.0,
        top - 14.0,
        Style::Bold,
        8.0,
        GREY,
        "RÉCEPTION",
    );
    l.text(
        MARGIN + 8.0,
        top - 32.0,
        Style::Regular,
        9.0,
        BLACK,
        "Reçu le : ____ / ____ / ________",
    );
    l.text(
        MARGIN + 8.0,
        top - 52.0,
        Style::Regular,
        9.0,
        BLACK,
        "Nom :",
    );
    l.frame(MARGIN + half + 12.0, top, half, 80.0);
    l.text(
        MARGIN + half + 20.0,
        top - 14.0,
        Style::Bold,
        8.0,
        GREY,
        "SIGNATURE ET RÉSERVES ÉVENTUELLES",
    );
    l.y = top - 96.0;

    let footer = vec![format!(
        "{} — {} — SIRET {} — {}{}",
        seller.name,
        address_lines(&seller.address).join(", "),
        format::company_id(seller.siret.as_str()),
        seller.email,
        seller
            .phone
            .as_ref()
            .map(|p| format!(" — {}", format::phone(p)))
            .unwrap_or_default()
    )];
    l.finish(&footer)
}
