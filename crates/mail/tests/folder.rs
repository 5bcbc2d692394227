//! `FolderMailer` and `mailer_from`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;

use mail::testing::ReceivedMessage;
use mail::{mailer_from, FolderMailer, MailError, Mailer};
use support::{french_email, french_email_with_attachments, test_dir};

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn writes_one_parseable_eml_per_message_and_overwrites_on_repeat() {
    let dir = test_dir("folder").join("outbox/not-yet-created");
    let mailer = FolderMailer::new(&dir);
    let first = french_email_with_attachments("inv-1/2026@oms.example", "client@example.com");
    let second = french_email("welcome-1@oms.example", "other@example.com");

    mailer.send(&first).await.unwrap();
    mailer.send(&first).await.unwrap();
    mailer.send(&second).await.unwrap();

    assert_eq!(
        file_names(&dir),
        vec!["inv-1%2F2026@oms.example.eml", "welcome-1@oms.example.eml"]
    );
    let raw = std::fs::read(mailer.path_for(&first.message_id)).unwrap();
    let parsed = ReceivedMessage::parse(&raw).unwrap();
    assert_eq!(parsed.message_id.as_deref(), Some("inv-1/2026@oms.example"));
    assert_eq!(parsed.subject.as_deref(), Some(first.subject.as_str()));
    assert_eq!(parsed.to, first.to);
    assert_eq!(
        parsed.text.map(|text| text.replace("\r\n", "\n")),
        Some(first.text.clone())
    );
    assert_eq!(parsed.attachments.len(), 2);
    for (got, sent) in parsed.attachments.iter().zip(&first.attachments) {
        assert_eq!(got.filename, sent.filename);
        assert_eq!(got.content_type, sent.content_type);
        assert!(
            got.content == sent.content,
            "{}: bytes differ",
            sent.filename
        );
    }
    // As SMTP would carry it: CRLF line ends.
    assert!(raw.windows(2).any(|w| w == b"\r\n"));
}

#[tokio::test]
async fn a_message_that_cannot_be_written_is_permanent_and_leaves_no_file() {
    let dir = test_dir("folder-invalid");
    let mailer = FolderMailer::new(&dir);
    let mut email = french_email("bad-1@oms.example", "not an address");
    assert!(matches!(
        mailer.send(&email).await,
        Err(MailError::Permanent(_))
    ));
    email.to = vec!["client@example.com".to_owned()];
    email.message_id = "no brackets <allowed>@x".to_owned();
    assert!(matches!(
        mailer.send(&email).await,
        Err(MailError::Permanent(_))
    ));
    assert_eq!(file_names(&dir), Vec::<String>::new());
}

#[tokio::test]
async fn a_folder_that_cannot_be_made_is_temporary() {
    let dir = test_dir("folder-blocked");
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let mailer = FolderMailer::new(blocker.join("outbox"));
    let result = mailer
        .send(&french_email("x-1@oms.example", "client@example.com"))
        .await;
    assert!(matches!(result, Err(MailError::Temporary(_))), "{result:?}");
}

#[tokio::test]
async fn mailer_from_without_smtp_settings_writes_into_the_folder() {
    let dir = test_dir("folder-from");
    let mailer = mailer_from(None, dir.clone()).unwrap();
    mailer
        .send(&french_email("hello-1@oms.example", "client@example.com"))
        .await
        .unwrap();
    assert_eq!(file_names(&dir), vec!["hello-1@oms.example.eml"]);

    let empty_host = mail::SmtpSettings::new("", 25, mail::TlsMode::None);
    assert!(mailer_from(Some(empty_host), dir).is_err());
}
