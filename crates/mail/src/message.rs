//! The MIME message both adapters write.

use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use ports::{Email, MailError};

/// Builds the MIME message of `email`: `From` (with the display name), `To`, `Subject`
/// (encoded when not ASCII), `Message-ID: <message_id>`, `Date` (now), `MIME-Version`,
/// and a UTF-8 `text/plain` body; with attachments, a `multipart/mixed` of the text then
/// each attachment (file name and content type as given, content in base64).
///
/// `message.formatted()` gives the bytes, as sent by SMTP or written to a `.eml` file.
///
/// # Errors
/// [`MailError::Permanent`] when the email cannot be written: an invalid sender or
/// recipient address, no recipient, an invalid Message-ID or content type.
pub fn mime_message(email: &Email) -> Result<Message, MailError> {
    check_message_id(&email.message_id)?;
    if email.to.is_empty() {
        return Err(MailError::Permanent("the email has no recipient".into()));
    }
    let from = Mailbox::new(
        email.from_name.clone(),
        parse_address(&email.from, "sender")?,
    );
    let mut builder = Message::builder()
        .from(from)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}>", email.message_id)))
        .date_now();
    for to in &email.to {
        builder = builder.to(Mailbox::new(None, parse_address(to, "recipient")?));
    }
    let built = if email.attachments.is_empty() {
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(email.text.clone())
    } else {
        let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(email.text.clone()));
        for attachment in &email.attachments {
            let content_type = ContentType::parse(&attachment.content_type).map_err(|error| {
                MailError::Permanent(format!(
                    "invalid content type {:?} for the attachment {:?}: {error}",
                    attachment.content_type, attachment.filename
                ))
            })?;
            parts = parts.singlepart(
                MimeAttachment::new(attachment.filename.clone())
                    .body(attachment.content.clone(), content_type),
            );
        }
        builder.multipart(parts)
    };
    built.map_err(|error| MailError::Permanent(format!("cannot write the email: {error}")))
}

fn parse_address(address: &str, role: &str) -> Result<Address, MailError> {
    address.trim().parse().map_err(|error| {
        MailError::Permanent(format!("invalid {role} address {address:?}: {error}"))
    })
}

/// A Message-ID (without its angle brackets) must be printable ASCII with no space or
/// bracket, and hold an `@`: anything else could break the header.
fn check_message_id(id: &str) -> Result<(), MailError> {
    let valid = !id.is_empty()
        && id.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    if valid {
        Ok(())
    } else {
        Err(MailError::Permanent(format!("invalid Message-ID {id:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ports::Attachment;

    fn email() -> Email {
        Email {
            message_id: "inv-42@oms.example".into(),
            from: "factures@oms.example".into(),
            from_name: Some("Société Générale des Échantillons".into()),
            to: vec!["client@example.com".into()],
            subject: "Votre facture n° FA-2026-000123 — échéance dépassée".into(),
            text: "Bonjour,\n\nVeuillez trouver ci-joint votre facture.\nÀ bientôt !\n".into(),
            attachments: vec![],
        }
    }

    fn formatted(email: &Email) -> String {
        let message = mime_message(email).unwrap();
        String::from_utf8(message.formatted()).unwrap()
    }

    #[test]
    fn writes_the_headers_and_an_ascii_only_message() {
        let text = formatted(&email());
        assert!(
            text.contains("Message-ID: <inv-42@oms.example>\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nDate: "), "{text}");
        assert!(text.contains("To: client@example.com\r\n"), "{text}");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8\r\n"),
            "{text}"
        );
        assert!(text.is_ascii(), "headers and body must be encoded: {text}");
        assert!(
            !text.contains("Société"),
            "the display name must be encoded: {text}"
        );
    }

    #[test]
    fn attachments_make_a_multipart_mixed() {
        let mut email = email();
        email.attachments.push(Attachment {
            filename: "FA-2026-000123.pdf".into(),
            content_type: "application/pdf".into(),
            content: vec![0, 159, 146, 150, 255],
        });
        let text = formatted(&email);
        assert!(text.contains("Content-Type: multipart/mixed;"), "{text}");
        assert!(text.contains("application/pdf"), "{text}");
        assert!(text.contains("FA-2026-000123.pdf"), "{text}");
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        let refused = |email: Email| matches!(mime_message(&email), Err(MailError::Permanent(_)));
        let mut e = email();
        e.to = vec!["not an address".into()];
        assert!(refused(e));
        let mut e = email();
        e.to.clear();
        assert!(refused(e));
        let mut e = email();
        e.from = "@nowhere".into();
        assert!(refused(e));
        for id in ["", "no-at-sign", "a b@c", "<a@b>", "a@b\r\nBcc: x@y"] {
            let mut e = email();
            e.message_id = id.into();
            assert!(refused(e), "{id:?}");
        }
        let mut e = email();
        e.attachments.push(Attachment {
            filename: "x".into(),
            content_type: "not a type".into(),
            content: vec![],
        });
        assert!(refused(e));
    }

    #[test]
    fn a_line_break_in_the_subject_does_not_make_a_header() {
        let mut e = email();
        e.subject = "Hello\r\nBcc: victim@example.com".into();
        let text = formatted(&e);
        assert!(!text.contains("\r\nBcc:"), "{text}");
    }
}
