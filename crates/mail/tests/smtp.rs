//! `SmtpMailer` against a real SMTP server (aiosmtpd).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use mail::testing::{smtp_server_or_skip, SmtpServer};
use mail::{MailError, Mailer, SmtpMailer};
use support::{french_email, french_email_with_attachments, test_dir};

fn mailer(server: &SmtpServer) -> SmtpMailer {
    SmtpMailer::new(&server.settings()).unwrap()
}

#[tokio::test]
async fn french_text_and_two_attachments_arrive_intact() {
    let Some(server) = smtp_server_or_skip(test_dir("smtp-intact")) else {
        return;
    };
    let email = french_email_with_attachments("inv-123.1@oms.example", "client@example.com");
    mailer(&server).send(&email).await.unwrap();

    let messages = server.messages().unwrap();
    assert_eq!(messages.len(), 1);
    let received = &messages[0];
    assert_eq!(
        received.message_id.as_deref(),
        Some("inv-123.1@oms.example")
    );
    assert_eq!(received.subject.as_deref(), Some(email.subject.as_str()));
    assert_eq!(received.from.as_deref(), Some("factures@oms.example"));
    assert_eq!(received.from_name, email.from_name);
    assert_eq!(received.to, email.to);
    assert_eq!(
        received
            .text
            .as_deref()
            .map(|text| text.replace("\r\n", "\n")),
        Some(email.text.clone())
    );
    assert_eq!(received.attachments.len(), 2);
    for (got, sent) in received.attachments.iter().zip(&email.attachments) {
        assert_eq!(got.filename, sent.filename);
        assert_eq!(got.content_type, sent.content_type);
        assert!(
            got.content == sent.content,
            "{}: bytes differ",
            sent.filename
        );
    }
}

#[tokio::test]
async fn a_message_without_attachments_arrives_as_plain_text() {
    let Some(server) = smtp_server_or_skip(test_dir("smtp-plain")) else {
        return;
    };
    let email = french_email("welcome-7@oms.example", "hélène.dupont@example.com");
    let result = mailer(&server).send(&email).await;
    // A non-ASCII local part needs SMTPUTF8, which this server does not offer: refused for
    // good, before anything is sent.
    assert!(matches!(result, Err(MailError::Permanent(_))), "{result:?}");

    let email = french_email("welcome-7@oms.example", "helene.dupont@example.com");
    mailer(&server).send(&email).await.unwrap();
    let messages = server.messages().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].attachments, vec![]);
    // The SMTP client ends the data with CRLF "." CRLF even after a final line break, so a
    // single-part body arrives with one more empty line.
    assert_eq!(
        messages[0]
            .text
            .as_deref()
            .map(|text| text.replace("\r\n", "\n").trim_end().to_owned()),
        Some(email.text.trim_end().to_owned())
    );
}

#[tokio::test]
async fn a_server_that_is_down_fails_for_now_and_works_again_once_back() {
    let Some(mut server) = smtp_server_or_skip(test_dir("smtp-restart")) else {
        return;
    };
    let mailer = mailer(&server);
    let email = french_email_with_attachments("inv-9@oms.example", "client@example.com");
    mailer.send(&email).await.unwrap();

    server.stop().unwrap();
    let result = mailer.send(&email).await;
    assert!(
        matches!(&result, Err(MailError::Temporary(_))),
        "{result:?}"
    );

    server.restart().unwrap();
    mailer.send(&email).await.unwrap();
    let messages = server.messages().unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages
        .iter()
        .all(|m| m.message_id.as_deref() == Some("inv-9@oms.example")));
}

#[tokio::test]
async fn a_recipient_refused_for_good_is_permanent() {
    let Some(server) = smtp_server_or_skip(test_dir("smtp-reject")) else {
        return;
    };
    let email = french_email("inv-10@oms.example", "reject-me@example.com");
    let result = mailer(&server).send(&email).await;
    match result {
        Err(MailError::Permanent(text)) => assert!(text.contains("550"), "{text}"),
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    assert_eq!(server.messages().unwrap(), vec![]);
}

#[tokio::test]
async fn a_recipient_refused_for_now_is_temporary() {
    let Some(server) = smtp_server_or_skip(test_dir("smtp-defer")) else {
        return;
    };
    let email = french_email("inv-11@oms.example", "defer-me@example.com");
    let result = mailer(&server).send(&email).await;
    match result {
        Err(MailError::Temporary(text)) => assert!(text.contains("451"), "{text}"),
        other => panic!("expected a temporary failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_address_is_permanent_without_a_server() {
    let server_settings = mail::SmtpSettings::new("127.0.0.1", 9, mail::TlsMode::None);
    let mailer = SmtpMailer::new(&server_settings).unwrap();
    let email = french_email("inv-12@oms.example", "not an address");
    let result = mailer.send(&email).await;
    assert!(matches!(result, Err(MailError::Permanent(_))), "{result:?}");
}

#[tokio::test]
async fn nothing_listening_is_temporary() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = mail::SmtpSettings::new("127.0.0.1", port, mail::TlsMode::None);
    settings.timeout = std::time::Duration::from_secs(2);
    let mailer = SmtpMailer::new(&settings).unwrap();
    let result = mailer
        .send(&french_email("inv-13@oms.example", "client@example.com"))
        .await;
    assert!(matches!(result, Err(MailError::Temporary(_))), "{result:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_temporary() {
    // Connections complete (the kernel accepts them into the backlog) but no greeting ever
    // comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut settings = mail::SmtpSettings::new("127.0.0.1", port, mail::TlsMode::None);
    settings.timeout = std::time::Duration::from_millis(500);
    let mailer = SmtpMailer::new(&settings).unwrap();
    let started = std::time::Instant::now();
    let result = mailer
        .send(&french_email("inv-14@oms.example", "client@example.com"))
        .await;
    assert!(matches!(result, Err(MailError::Temporary(_))), "{result:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    drop(silent);
}
