//! The test card processor: it behaves like a real one (it declines a card at once, and
//! confirms an approved payment later through a signed callback), with two card numbers
//! anyone may use, so that tests and demonstrations pay without a processor's account.

use async_trait::async_trait;
use domain::payment::{CardNumber, PaymentMethod, PaymentOutcome};
use hmac::{Hmac, Mac};
use ports::{
    CallbackEvent, NextStep, PaymentError, PaymentProvider, PaymentRequest, ProviderStart,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The card the test processor approves (confirmed later by its callback).
pub const TEST_CARD_APPROVED: &str = "4242424242424242";
/// The card the test processor declines at once.
pub const TEST_CARD_DECLINED: &str = "4000000000000002";

/// Why the test processor declines [`TEST_CARD_DECLINED`].
const DECLINED: &str = "card declined";

type HmacSha256 = Hmac<Sha256>;

/// The secret a processor signs its callbacks with (HMAC-SHA256 over the body). Its
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackSecret(Vec<u8>);

impl CallbackSecret {
    /// The shortest secret accepted, in bytes: shorter ones could be guessed.
    pub const MIN_LEN: usize = 16;

    /// A secret from configuration (`OMS_TEST_PAYMENT_SECRET`); `None` when shorter than
    /// [`CallbackSecret::MIN_LEN`] bytes.
    pub fn new(text: &str) -> Option<Self> {
        (text.len() >= Self::MIN_LEN).then(|| CallbackSecret(text.as_bytes().to_vec()))
    }

    /// A random secret of 32 bytes from the operating system's generator (UUID v4s), for
    /// a process that was not given one: its callbacks can then be signed only by itself.
    pub fn random() -> Self {
        let mut bytes = uuid::Uuid::new_v4().as_bytes().to_vec();
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        CallbackSecret(bytes)
    }

    fn mac(&self) -> Option<HmacSha256> {
        // HMAC takes keys of any length: this never fails.
        <HmacSha256 as Mac>::new_from_slice(&self.0).ok()
    }
}

impl std::fmt::Debug for CallbackSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackSecret(***)")
    }
}

/// What the test processor's callback says, as JSON:
/// `{"reference": "tc_…", "status": "succeeded"}` or
/// `{"reference": "tc_…", "status": "failed", "reason": "…"}`.
#[derive(Debug, Serialize, Deserialize)]
struct CallbackBody {
    reference: String,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// A card processor for tests and demonstrations, named `test_card`.
///
/// - [`TEST_CARD_DECLINED`] is declined at once: the payment fails, and the order stays as
///   it is.
/// - [`TEST_CARD_APPROVED`] is accepted and left pending, as a real processor does while it
///   checks the card (3-D Secure) and captures the money: the processor then reports the
///   outcome by a callback to `POST /api/v1/payments/callbacks/test_card`, its body signed
///   with HMAC-SHA256 under the [`CallbackSecret`], the signature in hexadecimal in the
///   `X-Payment-Signature` header (see [`TestCardProvider::callback`]).
/// - Any other card number is refused as invalid, and nothing is recorded.
///
/// Its reference of a payment is `tc_` and the payment's id in hexadecimal, so the same
/// payment started twice gets the same answer.
#[derive(Debug, Clone)]
pub struct TestCardProvider {
    secret: CallbackSecret,
}

impl TestCardProvider {
    /// The test processor, signing its callbacks with `secret`.
    pub fn new(secret: CallbackSecret) -> Self {
        TestCardProvider { secret }
    }

    /// The signature of a callback body: HMAC-SHA256 under the secret, in lower-case
    /// hexadecimal.
    pub fn sign(&self, body: &[u8]) -> String {
        let Some(mut mac) = self.secret.mac() else {
            return String::new();
        };
        mac.update(body);
        hex(&mac.finalize().into_bytes())
    }

    /// The callback the processor sends about a payment: its body and its signature. Tests
    /// and demonstrations use it to play the processor.
    pub fn callback(&self, reference: &str, outcome: &PaymentOutcome) -> (Vec<u8>, String) {
        let body = CallbackBody {
            reference: reference.to_owned(),
            status: match outcome {
                PaymentOutcome::Succeeded => "succeeded".to_owned(),
                PaymentOutcome::Failed { .. } => "failed".to_owned(),
            },
            reason: match outcome {
                PaymentOutcome::Succeeded => None,
                PaymentOutcome::Failed { reason } => Some(reason.clone()),
            },
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let signature = self.sign(&bytes);
        (bytes, signature)
    }
}

/// Lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads hexadecimal (either case); `None` when it is not.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[async_trait]
impl PaymentProvider for TestCardProvider {
    fn name(&self) -> &str {
        "test_card"
    }

    fn methods(&self) -> &[PaymentMethod] {
        &[PaymentMethod::Card]
    }

    fn check(&self, method: PaymentMethod, card: Option<&CardNumber>) -> Result<(), PaymentError> {
        let invalid = |field: &str, message: &str| PaymentError::Invalid {
            field: field.to_owned(),
            message: message.to_owned(),
        };
        if method != PaymentMethod::Card {
            return Err(invalid("method", "the test processor takes only cards"));
        }
        match card.map(CardNumber::digits) {
            None => Err(invalid("card_number", "a card payment needs the card's number")),
            Some(TEST_CARD_APPROVED | TEST_CARD_DECLINED) => Ok(()),
            Some(_) => Err(invalid(
                "card_number",
                "the test processor takes only 4242 4242 4242 4242 (approved) and 4000 0000 0000 0002 (declined)",
            )),
        }
    }

    async fn start(&self, request: &PaymentRequest) -> Result<ProviderStart, PaymentError> {
        self.check(request.method, request.card.as_ref())?;
        let reference = format!("tc_{:032x}", request.payment.as_u128());
        let declined = request
            .card
            .as_ref()
            .is_some_and(|c| c.digits() == TEST_CARD_DECLINED);
        Ok(if declined {
            ProviderStart::Completed {
                reference: Some(reference),
                outcome: PaymentOutcome::Failed {
                    reason: DECLINED.to_owned(),
                },
            }
        } else {
            ProviderStart::Pending {
                reference: Some(reference),
                next_step: NextStep::AwaitProvider,
            }
        })
    }

    fn verify_callback(&self, body: &[u8], signature: &str) -> Result<CallbackEvent, PaymentError> {
        let signature = signature.trim();
        let signature = signature.strip_prefix("sha256=").unwrap_or(signature);
        let expected = unhex(signature).ok_or(PaymentError::BadSignature)?;
        let mut mac = self.secret.mac().ok_or(PaymentError::BadSignature)?;
        mac.update(body);
        // Compared in constant time, so that timing tells nothing of the right signature.
        mac.verify_slice(&expected)
            .map_err(|_| PaymentError::BadSignature)?;
        let body: CallbackBody = serde_json::from_slice(body)
            .map_err(|e| PaymentError::MalformedCallback(e.to_string()))?;
        let outcome = match body.status.as_str() {
            "succeeded" => PaymentOutcome::Succeeded,
            "failed" => PaymentOutcome::Failed {
                reason: body.reason.unwrap_or_else(|| DECLINED.to_owned()),
            },
            other => {
                return Err(PaymentError::MalformedCallback(format!(
                    "status {other:?} is neither succeeded nor failed"
                )))
            }
        };
        Ok(CallbackEvent {
            reference: body.reference,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::{CommandeId, PaymentId};
    use domain::money::Amount;
    use domain::order::OrderNumber;

    fn provider() -> TestCardProvider {
        TestCardProvider::new(CallbackSecret::new("a secret of the test processor").unwrap())
    }

    fn request(card: &str) -> PaymentRequest {
        PaymentRequest {
            payment: PaymentId::from_u128(0xabc),
            order: CommandeId::from_u128(1),
            order_number: OrderNumber::parse("WEB-000001").unwrap(),
            amount: Amount::new("55.53".parse().unwrap()).unwrap(),
            method: PaymentMethod::Card,
            card: Some(CardNumber::new(card).unwrap()),
            reference: None,
        }
    }

    #[tokio::test]
    async fn one_card_is_approved_later_one_declined_at_once_others_refused() {
        let p = provider();
        let reference = format!("tc_{:032x}", 0xabc);
        assert_eq!(
            p.start(&request(TEST_CARD_APPROVED)).await,
            Ok(ProviderStart::Pending {
                reference: Some(reference.clone()),
                next_step: NextStep::AwaitProvider
            })
        );
        assert_eq!(
            p.start(&request(TEST_CARD_DECLINED)).await,
            Ok(ProviderStart::Completed {
                reference: Some(reference),
                outcome: PaymentOutcome::Failed {
                    reason: "card declined".to_owned()
                }
            })
        );
        let other = p.start(&request("4111111111111111")).await;
        assert!(
            matches!(other, Err(PaymentError::Invalid { ref field, .. }) if field == "card_number"),
            "{other:?}"
        );
    }

    #[test]
    fn callbacks_verify_only_with_the_right_signature_over_the_exact_body() {
        let p = provider();
        let (body, signature) = p.callback("tc_1", &PaymentOutcome::Succeeded);
        assert_eq!(signature.len(), 64);
        assert_eq!(
            p.verify_callback(&body, &signature),
            Ok(CallbackEvent {
                reference: "tc_1".to_owned(),
                outcome: PaymentOutcome::Succeeded
            })
        );
        assert!(p
            .verify_callback(&body, &format!("sha256={}", signature.to_uppercase()))
            .is_ok());
        let mut changed = body.clone();
        changed.push(b' ');
        for (body, signature) in [
            (&changed, signature.clone()),
            (&body, "0".repeat(64)),
            (&body, "not hex".to_owned()),
            (&body, String::new()),
            (&body, signature[..62].to_owned()),
        ] {
            assert_eq!(
                p.verify_callback(body, &signature),
                Err(PaymentError::BadSignature)
            );
        }
        let other = TestCardProvider::new(CallbackSecret::random());
        assert_eq!(
            other.verify_callback(&body, &signature),
            Err(PaymentError::BadSignature),
            "another secret's signature does not verify"
        );
    }

    #[test]
    fn a_signed_body_that_cannot_be_read_is_malformed() {
        let p = provider();
        for body in [
            &b"not json"[..],
            br#"{"reference":"tc_1","status":"maybe"}"#,
        ] {
            let signature = p.sign(body);
            assert!(matches!(
                p.verify_callback(body, &signature),
                Err(PaymentError::MalformedCallback(_))
            ));
        }
        let (body, signature) = p.callback(
            "tc_2",
            &PaymentOutcome::Failed {
                reason: "insufficient funds".to_owned(),
            },
        );
        assert_eq!(
            p.verify_callback(&body, &signature).unwrap().outcome,
            PaymentOutcome::Failed {
                reason: "insufficient funds".to_owned()
            }
        );
    }

    #[test]
    fn secrets_are_long_enough_and_never_shown() {
        assert!(CallbackSecret::new("short").is_none());
        assert_eq!(
            format!("{:?}", CallbackSecret::random()),
            "CallbackSecret(***)"
        );
        assert_ne!(CallbackSecret::random(), CallbackSecret::random());
    }
}
