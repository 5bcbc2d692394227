//! `oms-admin price`: prices the pricing document of `docs/pricing.md`.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use domain::pricing::PricingDocument;

use crate::{ExitStatus, Streams};

/// Price an order described in JSON, without storing anything.
#[derive(Debug, Args)]
#[command(
    long_about = "Price an order described in JSON (the pricing document of docs/pricing.md), \
                  without storing anything, and print the lines, the VAT breakdown and the \
                  totals as JSON.\n\nBad input is refused as a whole with exit status 2 and an \
                  error naming its code, the line and the field.",
    after_help = "Example:\n  echo '{\"lines\": [{\"quantity\": 3, \"unit_price\": \"12.50\", \"discount\": \"1.00\", \"vat_rate\": \"20\"}], \"global_discount\": \"5.00\"}' | oms-admin price"
)]
pub struct PriceArgs {
    /// The pricing document; standard input when absent or `-`.
    file: Option<PathBuf>,
}

pub fn run<I: Read, O: Write, E: Write>(
    args: &PriceArgs,
    streams: &mut Streams<I, O, E>,
) -> ExitStatus {
    let mut input = String::new();
    let read = match &args.file {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path)
            .map(|text| input = text)
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
        _ => streams
            .stdin
            .read_to_string(&mut input)
            .map(|_| ())
            .map_err(|e| format!("cannot read standard input: {e}")),
    };
    if let Err(message) = read {
        return report(streams, ExitStatus::Failure, &message);
    }

    let document: PricingDocument = match serde_json::from_str(&input) {
        Ok(document) => document,
        Err(e) => {
            let message = format!(
                "invalid_document: line {}, column {}: {e}; the document is described in docs/pricing.md",
                e.line(),
                e.column()
            );
            return report(streams, ExitStatus::BadInput, &message);
        }
    };
    let pricing = match document.price() {
        Ok(pricing) => pricing,
        Err(e) => return report(streams, ExitStatus::BadInput, &format!("{}: {e}", e.code())),
    };
    let written = serde_json::to_writer_pretty(&mut streams.stdout, &pricing)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(streams.stdout));
    match written {
        Ok(()) => ExitStatus::Success,
        Err(e) => report(
            streams,
            ExitStatus::Failure,
            &format!("cannot write the result: {e}"),
        ),
    }
}

fn report<I, O, E: Write>(
    streams: &mut Streams<I, O, E>,
    status: ExitStatus,
    message: &str,
) -> ExitStatus {
    // If even standard error is gone there is no one left to tell; the status still says it.
    let _ = writeln!(streams.stderr, "error: {message}");
    status
}
