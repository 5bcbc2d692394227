//! What the integration tests share.

#![allow(dead_code, reason = "each test file uses its own part of this module")]
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use mail::{Attachment, Email};

/// A fresh, empty folder for one test.
pub fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oms-mail-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `len` bytes that look random (xorshift), different at each run.
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A French email with no attachment.
pub fn french_email(message_id: &str, to: &str) -> Email {
    Email {
        message_id: message_id.to_owned(),
        from: "factures@oms.example".to_owned(),
        from_name: Some("Société Générale des Échantillons".to_owned()),
        to: vec![to.to_owned()],
        subject: "Votre facture n° FA-2026-000123 — échéance à régler (déjà ½ payé)".to_owned(),
        text: "Bonjour Hélène,\n\nVeuillez trouver ci-joint votre facture et le bon de \
               livraison.\nMontant dû : 1 234,56 €.\n\nÀ bientôt,\nL'équipe\n"
            .to_owned(),
        attachments: vec![],
    }
}

/// The same with two PDF-ish attachments of random bytes.
pub fn french_email_with_attachments(message_id: &str, to: &str) -> Email {
    let mut email = french_email(message_id, to);
    email.attachments = vec![
        Attachment {
            filename: "FA-2026-000123.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            content: [b"%PDF-1.7\n".as_slice(), &random_bytes(40_000)].concat(),
        },
        Attachment {
            filename: "bon-de-livraison-été.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            content: random_bytes(3_001),
        },
    ];
    email
}
