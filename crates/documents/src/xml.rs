//! The CII XML (UN/CEFACT Cross Industry Invoice D16B) of an invoice or credit note, in
//! the Factur-X EN 16931 profile, with the notes and identifiers the French CTC rules
//! (BR-FR-*) ask for.

use std::fmt::Write as _;

use domain::billing::{Invoice, InvoiceKind, PostalAddress, RECOVERY_INDEMNITY};
use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

use crate::format;

/// The guideline (BT-24) of the EN 16931 profile of Factur-X.
pub const EN16931_GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// Escapes the five XML special characters.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 (but tab, newline, return).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An amount with exactly 2 decimal places and a decimal point.
pub fn amount(value: Decimal) -> String {
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{rounded:.2}")
}

/// A unit price: at least 2 and at most 4 decimal places.
fn price(value: Decimal) -> String {
    let places = value.normalize().scale().clamp(2, 4);
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    format!("{rounded:.prec$}", prec = places as usize)
}

/// A VAT rate with 2 decimal places, as the French rules list them (`20.00`, `5.50`).
fn rate(value: Decimal) -> String {
    amount(value)
}

/// The VAT category (UNTDID 5305) of a rate: standard, or zero rated.
fn category(rate: Decimal) -> &'static str {
    if rate.is_zero() {
        "Z"
    } else {
        "S"
    }
}

/// A date in format 102 (`yyyymmdd`).
fn date102(value: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        value.year(),
        u8::from(value.month()),
        value.day()
    )
}

/// A minimal indenting XML writer.
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, tag: &str) {
        self.open_with(tag, &[]);
    }

    fn open_with(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.attrs(attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (name, value) in attrs {
            let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        }
    }

    fn leaf(&mut self, tag: &str, text: &str) {
        self.leaf_with(tag, &[], text);
    }

    fn leaf_with(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.attrs(attrs);
        let _ = writeln!(self.out, ">{}</{tag}>", escape(text));
    }

    /// `<tag><udt:DateTimeString format="102">…</udt:DateTimeString></tag>`.
    fn date(&mut self, tag: &str, prefix: &str, value: Date) {
        self.open(tag);
        self.leaf_with(
            &format!("{prefix}:DateTimeString"),
            &[("format", "102")],
            &date102(value),
        );
        self.close(tag);
    }

    fn address(&mut self, address: &PostalAddress) {
        self.open("ram:PostalTradeAddress");
        if !address.postal_code.is_empty() {
            self.leaf("ram:PostcodeCode", &address.postal_code);
        }
        let lines: Vec<&str> = address
            .lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        let tags = ["ram:LineOne", "ram:LineTwo", "ram:LineThree"];
        for (i, tag) in tags.iter().enumerate() {
            if i == 2 && lines.len() > 3 {
                self.leaf(tag, &lines[2..].join(", "));
            } else if let Some(line) = lines.get(i) {
                self.leaf(tag, line);
            }
        }
        if !address.town.is_empty() {
            self.leaf("ram:CityName", &address.town);
        }
        self.leaf("ram:CountryID", &address.country.to_ascii_uppercase());
        self.close("ram:PostalTradeAddress");
    }

    fn tax(&mut self, tag: &str, rate_value: Decimal) {
        self.open(tag);
        self.leaf("ram:TypeCode", "VAT");
        self.leaf("ram:CategoryCode", category(rate_value));
        self.leaf("ram:RateApplicablePercent", &rate(rate_value));
        self.close(tag);
    }

    fn allowance(&mut self, actual: Decimal, reason: &str, tax_rate: Option<Decimal>) {
        self.open("ram:SpecifiedTradeAllowanceCharge");
        self.open("ram:ChargeIndicator");
        self.leaf("udt:Indicator", "false");
        self.close("ram:ChargeIndicator");
        self.leaf("ram:ActualAmount", &amount(actual));
        // UNTDID 5189: 95 = discount.
        self.leaf("ram:ReasonCode", "95");
        self.leaf("ram:Reason", reason);
        if let Some(tax_rate) = tax_rate {
            self.tax("ram:CategoryTradeTax", tax_rate);
        }
        self.close("ram:SpecifiedTradeAllowanceCharge");
    }
}

/// The legal mentions on late payment, as printed and as written in the notes.
pub struct PaymentMentions {
    /// The late-penalty sentence (subject code PMD).
    pub penalties: String,
    /// The recovery indemnity (PMT).
    pub recovery: String,
    /// The absence of discount for early payment (AAB).
    pub early_payment: String,
}

/// The mentions of `invoice`: penalties and recovery indemnity apply to a business buyer
/// (Code de commerce L441-10); for a private buyer, the notes say they do not.
pub fn payment_mentions(invoice: &Invoice) -> PaymentMentions {
    let business = invoice.buyer.is_business();
    PaymentMentions {
        penalties: if business {
            format!(
                "En cas de retard de paiement, pénalités au taux annuel de {}.",
                format::percent(invoice.seller.late_penalty_rate)
            )
        } else {
            "Pénalités de retard : non applicables (client non professionnel).".to_owned()
        },
        recovery: if business {
            format!(
                "Indemnité forfaitaire pour frais de recouvrement : {} €.",
                RECOVERY_INDEMNITY.normalize()
            )
        } else {
            "Indemnité forfaitaire pour frais de recouvrement : non applicable (client non professionnel)."
                .to_owned()
        },
        early_payment: "Pas d'escompte pour paiement anticipé.".to_owned(),
    }
}

/// The seller's additional legal information (BT-33): legal form, share capital, RCS.
pub fn seller_legal_line(invoice: &Invoice) -> String {
    let seller = &invoice.seller;
    format!(
        "{} au capital de {} - RCS {} {}",
        seller.legal_form,
        format::euros(seller.share_capital),
        seller.rcs_town,
        format::company_id(seller.siren.as_str())
    )
}

/// The payment terms (BT-20).
pub fn payment_terms(invoice: &Invoice) -> String {
    match (invoice.kind, invoice.paid_on) {
        (InvoiceKind::CreditNote, _) => match &invoice.corrects {
            Some(original) => format!(
                "Avoir sur la facture {} du {}, remboursé ou imputé sur une prochaine facture.",
                original.number,
                format::date(original.issue_date)
            ),
            None => "Avoir remboursé ou imputé sur une prochaine facture.".to_owned(),
        },
        (InvoiceKind::Invoice, Some(paid)) => format!("Acquittée le {}.", format::date(paid)),
        (InvoiceKind::Invoice, None) => {
            let means = if invoice.seller.iban.is_some() {
                "par virement bancaire"
            } else {
                "au comptant"
            };
            format!(
                "Paiement à {} jours, {means}, au plus tard le {}.",
                invoice.seller.payment_terms_days,
                format::date(invoice.due_date)
            )
        }
    }
}

/// The CII XML of `invoice`.
pub fn facturx_xml(invoice: &Invoice) -> String {
    let totals = &invoice.totals;
    let seller = &invoice.seller;
    let buyer = &invoice.buyer;
    let paid = invoice.kind == InvoiceKind::Invoice && invoice.paid_on.is_some();
    let mentions = payment_mentions(invoice);

    let mut w = Writer {
        out: String::with_capacity(16 * 1024),
        depth: 0,
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open_with(
        "rsm:CrossIndustryInvoice",
        &[
            (
                "xmlns:rsm",
                "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
            ),
            (
                "xmlns:qdt",
                "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
            ),
            (
                "xmlns:ram",
                "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
            ),
            (
                "xmlns:udt",
                "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
            ),
        ],
    );

    w.open("rsm:ExchangedDocumentContext");
    // BT-23, French billing framework: B1 = invoice of goods, B2 = invoice already paid.
    w.open("ram:BusinessProcessSpecifiedDocumentContextParameter");
    w.leaf("ram:ID", if paid { "B2" } else { "B1" });
    w.close("ram:BusinessProcessSpecifiedDocumentContextParameter");
    w.open("ram:GuidelineSpecifiedDocumentContextParameter");
    w.leaf("ram:ID", EN16931_GUIDELINE);
    w.close("ram:GuidelineSpecifiedDocumentContextParameter");
    w.close("rsm:ExchangedDocumentContext");

    w.open("rsm:ExchangedDocument");
    w.leaf("ram:ID", invoice.number.as_str());
    w.leaf("ram:TypeCode", invoice.kind.type_code());
    w.date("ram:IssueDateTime", "udt", invoice.issue_date);
    for (subject, content) in [
        ("PMD", &mentions.penalties),
        ("PMT", &mentions.recovery),
        ("AAB", &mentions.early_payment),
    ] {
        w.open("ram:IncludedNote");
        w.leaf("ram:Content", content);
        w.leaf("ram:SubjectCode", subject);
        w.close("ram:IncludedNote");
    }
    w.close("rsm:ExchangedDocument");

    w.open("rsm:SupplyChainTradeTransaction");
    for line in &invoice.lines {
        let rate_value = line.vat_rate.percent();
        w.open("ram:IncludedSupplyChainTradeLineItem");
        w.open("ram:AssociatedDocumentLineDocument");
        w.leaf("ram:LineID", &line.position.to_string());
        w.close("ram:AssociatedDocumentLineDocument");
        w.open("ram:SpecifiedTradeProduct");
        w.leaf("ram:SellerAssignedID", &line.reference);
        w.leaf("ram:Name", &line.designation);
        w.close("ram:SpecifiedTradeProduct");
        w.open("ram:SpecifiedLineTradeAgreement");
        w.open("ram:NetPriceProductTradePrice");
        w.leaf("ram:ChargeAmount", &price(line.unit_price.value()));
        w.close("ram:NetPriceProductTradePrice");
        w.close("ram:SpecifiedLineTradeAgreement");
        w.open("ram:SpecifiedLineTradeDelivery");
        w.leaf_with(
            "ram:BilledQuantity",
            &[("unitCode", "C62")],
            &line.quantity.get().to_string(),
        );
        w.close("ram:SpecifiedLineTradeDelivery");
        w.open("ram:SpecifiedLineTradeSettlement");
        w.tax("ram:ApplicableTradeTax", rate_value);
        if !line.discount.value().is_zero() {
            w.allowance(line.discount.value(), "Remise", None);
        }
        w.open("ram:SpecifiedTradeSettlementLineMonetarySummation");
        w.leaf("ram:LineTotalAmount", &amount(line.net));
        w.close("ram:SpecifiedTradeSettlementLineMonetarySummation");
        w.close("ram:SpecifiedLineTradeSettlement");
        w.close("ram:IncludedSupplyChainTradeLineItem");
    }

    w.open("ram:ApplicableHeaderTradeAgreement");
    // Seller.
    w.open("ram:SellerTradeParty");
    w.leaf_with(
        "ram:GlobalID",
        &[("schemeID", "0009")],
        seller.siret.as_str(),
    );
    w.leaf("ram:Name", &seller.name);
    w.leaf("ram:Description", &seller_legal_line(invoice));
    w.open("ram:SpecifiedLegalOrganization");
    w.leaf_with("ram:ID", &[("schemeID", "0002")], seller.siren.as_str());
    w.close("ram:SpecifiedLegalOrganization");
    w.open("ram:DefinedTradeContact");
    if let Some(phone) = &seller.phone {
        w.open("ram:TelephoneUniversalCommunication");
        w.leaf("ram:CompleteNumber", phone);
        w.close("ram:TelephoneUniversalCommunication");
    }
    w.open("ram:EmailURIUniversalCommunication");
    w.leaf("ram:URIID", &seller.email);
    w.close("ram:EmailURIUniversalCommunication");
    w.close("ram:DefinedTradeContact");
    w.address(&seller.address);
    w.open("ram:URIUniversalCommunication");
    w.leaf_with("ram:URIID", &[("schemeID", "EM")], &seller.email);
    w.close("ram:URIUniversalCommunication");
    w.open("ram:SpecifiedTaxRegistration");
    w.leaf_with("ram:ID", &[("schemeID", "VA")], seller.vat_number.as_str());
    w.close("ram:SpecifiedTaxRegistration");
    w.close("ram:SellerTradeParty");
    // Buyer.
    w.open("ram:BuyerTradeParty");
    w.leaf("ram:Name", &buyer.name);
    if let Some(business) = &buyer.business {
        w.open("ram:SpecifiedLegalOrganization");
        w.leaf_with("ram:ID", &[("schemeID", "0002")], business.siren.as_str());
        w.close("ram:SpecifiedLegalOrganization");
    }
    if let Some(contact) = &buyer.contact {
        w.open("ram:DefinedTradeContact");
        w.leaf("ram:PersonName", contact);
        if let Some(email) = &buyer.email {
            w.open("ram:EmailURIUniversalCommunication");
            w.leaf("ram:URIID", email);
            w.close("ram:EmailURIUniversalCommunication");
        }
        w.close("ram:DefinedTradeContact");
    }
    w.address(&buyer.address);
    match (&buyer.email, &buyer.business) {
        (Some(email), _) => {
            w.open("ram:URIUniversalCommunication");
            w.leaf_with("ram:URIID", &[("schemeID", "EM")], email);
            w.close("ram:URIUniversalCommunication");
        }
        // No email: the French directory's address of a company is its SIREN (scheme 0225).
        (None, Some(business)) => {
            w.open("ram:URIUniversalCommunication");
            w.leaf_with(
                "ram:URIID",
                &[("schemeID", "0225")],
                business.siren.as_str(),
            );
            w.close("ram:URIUniversalCommunication");
        }
        (None, None) => {}
    }
    if let Some(vat) = buyer.business.as_ref().and_then(|b| b.vat_number.as_ref()) {
        w.open("ram:SpecifiedTaxRegistration");
        w.leaf_with("ram:ID", &[("schemeID", "VA")], vat.as_str());
        w.close("ram:SpecifiedTaxRegistration");
    }
    w.close("ram:BuyerTradeParty");
    w.open("ram:BuyerOrderReferencedDocument");
    w.leaf("ram:IssuerAssignedID", &invoice.order_number.to_string());
    w.close("ram:BuyerOrderReferencedDocument");
    w.close("ram:ApplicableHeaderTradeAgreement");

    w.open("ram:ApplicableHeaderTradeDelivery");
    if let Some(delivery) = &invoice.delivery {
        w.open("ram:ShipToTradeParty");
        w.leaf("ram:Name", &delivery.recipient);
        w.address(&delivery.address);
        w.close("ram:ShipToTradeParty");
    }
    w.open("ram:ActualDeliverySupplyChainEvent");
    w.date("ram:OccurrenceDateTime", "udt", invoice.sale_date);
    w.close("ram:ActualDeliverySupplyChainEvent");
    w.close("ram:ApplicableHeaderTradeDelivery");

    w.open("ram:ApplicableHeaderTradeSettlement");
    w.leaf("ram:PaymentReference", invoice.number.as_str());
    w.leaf("ram:InvoiceCurrencyCode", "EUR");
    w.open("ram:SpecifiedTradeSettlementPaymentMeans");
    match &seller.iban {
        Some(iban) => {
            // UNTDID 4461: 30 = credit transfer.
            w.leaf("ram:TypeCode", "30");
            w.open("ram:PayeePartyCreditorFinancialAccount");
            w.leaf(
                "ram:IBANID",
                &iban
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>(),
            );
            w.close("ram:PayeePartyCreditorFinancialAccount");
        }
        // 1 = instrument not defined.
        None => w.leaf("ram:TypeCode", "1"),
    }
    w.close("ram:SpecifiedTradeSettlementPaymentMeans");
    for share in &totals.vat_breakdown {
        let rate_value = share.rate.percent();
        w.open("ram:ApplicableTradeTax");
        w.leaf("ram:CalculatedAmount", &amount(share.vat));
        w.leaf("ram:TypeCode", "VAT");
        w.leaf("ram:BasisAmount", &amount(share.taxable));
        w.leaf("ram:CategoryCode", category(rate_value));
        w.leaf("ram:RateApplicablePercent", &rate(rate_value));
        w.close("ram:ApplicableTradeTax");
    }
    for share in &totals.vat_breakdown {
        if !share.discount.is_zero() {
            w.allowance(share.discount, "Remise globale", Some(share.rate.percent()));
        }
    }
    w.open("ram:SpecifiedTradePaymentTerms");
    let mut terms = payment_terms(invoice);
    if invoice.buyer.is_business() && invoice.kind == InvoiceKind::Invoice {
        terms.push(' ');
        terms.push_str(&mentions.penalties);
        terms.push(' ');
        terms.push_str(&mentions.recovery);
    }
    terms.push(' ');
    terms.push_str(&mentions.early_payment);
    w.leaf("ram:Description", &terms);
    let due = match (invoice.kind, invoice.paid_on) {
        (InvoiceKind::Invoice, Some(paid)) => paid,
        _ => invoice.due_date,
    };
    w.date("ram:DueDateDateTime", "udt", due);
    w.close("ram:SpecifiedTradePaymentTerms");
    w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    w.leaf("ram:LineTotalAmount", &amount(totals.total_ht));
    if !totals.global_discount.is_zero() {
        w.leaf("ram:AllowanceTotalAmount", &amount(totals.global_discount));
    }
    w.leaf("ram:TaxBasisTotalAmount", &amount(totals.total_ht_net));
    w.leaf_with(
        "ram:TaxTotalAmount",
        &[("currencyID", "EUR")],
        &amount(totals.total_vat),
    );
    w.leaf("ram:GrandTotalAmount", &amount(totals.total_ttc));
    if paid {
        w.leaf("ram:TotalPrepaidAmount", &amount(totals.total_ttc));
        w.leaf("ram:DuePayableAmount", &amount(Decimal::ZERO));
    } else {
        w.leaf("ram:DuePayableAmount", &amount(totals.total_ttc));
    }
    w.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    if let Some(original) = &invoice.corrects {
        w.open("ram:InvoiceReferencedDocument");
        w.leaf("ram:IssuerAssignedID", original.number.as_str());
        w.date("ram:FormattedIssueDateTime", "qdt", original.issue_date);
        w.close("ram:InvoiceReferencedDocument");
    }
    w.close("ram:ApplicableHeaderTradeSettlement");
    w.close("rsm:SupplyChainTradeTransaction");
    w.close("rsm:CrossIndustryInvoice");
    w.out
}

#[cfg(test)]
mod tests;
