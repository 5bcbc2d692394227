use domain::billing::examples;
use rust_decimal::Decimal;

use super::*;

/// The decimal values of every `<tag>` (with or without attributes) in `xml`.
fn values(xml: &str, tag: &str) -> Vec<Decimal> {
    let open = format!("<{tag}");
    xml.match_indices(&open)
        .filter_map(|(at, _)| {
            let rest = &xml[at + open.len()..];
            // Not a longer tag name sharing the prefix.
            if !rest.starts_with('>') && !rest.starts_with(' ') {
                return None;
            }
            let start = rest.find('>')? + 1;
            let end = rest.find('<')?;
            rest[start..end].parse().ok()
        })
        .collect()
}

fn one(xml: &str, tag: &str) -> Decimal {
    let found = values(xml, tag);
    assert_eq!(found.len(), 1, "{tag}: {found:?}");
    found[0]
}

#[test]
fn amounts_add_up() {
    let invoice = examples::invoice(examples::business_buyer(), false);
    let xml = facturx_xml(&invoice);
    let line_total: Decimal = values(&xml, "ram:LineTotalAmount").iter().sum();
    let header_total = one(&xml, "ram:TaxBasisTotalAmount") + one(&xml, "ram:AllowanceTotalAmount");
    // Line totals plus the header's LineTotalAmount: twice the sum of the lines (BR-CO-10).
    assert_eq!(line_total, header_total * Decimal::TWO);
    assert_eq!(header_total, invoice.totals.total_ht);
    let vat: Decimal = values(&xml, "ram:CalculatedAmount").iter().sum();
    assert_eq!(vat, one(&xml, "ram:TaxTotalAmount"), "BR-CO-14");
    let basis: Decimal = values(&xml, "ram:BasisAmount").iter().sum();
    assert_eq!(basis, one(&xml, "ram:TaxBasisTotalAmount"));
    assert_eq!(
        one(&xml, "ram:GrandTotalAmount"),
        one(&xml, "ram:TaxBasisTotalAmount") + one(&xml, "ram:TaxTotalAmount"),
        "BR-CO-15"
    );
    assert_eq!(one(&xml, "ram:DuePayableAmount"), invoice.totals.total_ttc);
    // The global discount is split over the rates (BR-S-08): header allowances sum to it.
    let allowances: Decimal = values(&xml, "ram:ActualAmount").iter().sum();
    let line_discounts: Decimal = invoice.lines.iter().map(|l| l.discount.value()).sum();
    assert_eq!(allowances, invoice.totals.global_discount + line_discounts);
    assert!(xml.contains("<ram:TypeCode>380</ram:TypeCode>"));
    assert!(xml.contains(EN16931_GUIDELINE));
    assert!(xml.contains("<ram:RateApplicablePercent>5.50</ram:RateApplicablePercent>"));
    assert!(xml.contains("schemeID=\"0002\">552100554<"));
}

#[test]
fn special_characters_are_escaped() {
    let invoice = examples::invoice(examples::business_buyer(), false);
    let xml = facturx_xml(&invoice);
    assert!(xml.contains("Boulons &amp; Fils"));
    assert!(xml.contains("Manuel de menuiserie &quot;l&apos;atelier&quot; &lt;2e éd.&gt;"));
    assert!(!xml.contains("Boulons & Fils"));
    assert_eq!(
        escape("a&b<c>d\"e'f\u{1}"),
        "a&amp;b&lt;c&gt;d&quot;e&apos;f "
    );
}

#[test]
fn a_paid_invoice_has_nothing_left_to_pay() {
    let invoice = examples::invoice(examples::private_buyer(), true);
    let xml = facturx_xml(&invoice);
    assert_eq!(one(&xml, "ram:DuePayableAmount"), Decimal::ZERO);
    assert_eq!(
        one(&xml, "ram:TotalPrepaidAmount"),
        invoice.totals.total_ttc
    );
    // Only the seller's VAT number.
    assert_eq!(xml.matches("schemeID=\"VA\"").count(), 1);
    assert!(xml.contains("<ram:ID>B2</ram:ID>"));
    // No SIREN for a private buyer: only the seller's legal organisation.
    assert_eq!(xml.matches("SpecifiedLegalOrganization>").count(), 2);
}

#[test]
fn a_credit_note_cites_its_invoice_with_positive_amounts() {
    let note = examples::credit_note();
    let xml = facturx_xml(&note);
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
    assert!(xml.contains("<ram:IssuerAssignedID>FA-2026-000123</ram:IssuerAssignedID>"));
    assert!(xml.contains("<qdt:DateTimeString format=\"102\">20260302</qdt:DateTimeString>"));
    assert!(one(&xml, "ram:GrandTotalAmount") > Decimal::ZERO);
    assert!(!xml.contains(">-"));
}

#[test]
fn numbers_are_written_with_a_point() {
    assert_eq!(amount(Decimal::new(12345, 3)), "12.35");
    assert_eq!(amount(Decimal::from(7)), "7.00");
    assert_eq!(price(Decimal::new(1234, 4)), "0.1234");
    assert_eq!(price(Decimal::new(125, 1)), "12.50");
    assert_eq!(rate(Decimal::new(55, 1)), "5.50");
}
