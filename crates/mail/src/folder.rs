//! Writing emails as `.eml` files into a folder.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use ports::{Email, MailError, Mailer};

use crate::message::mime_message;

/// Writes each email as an RFC 5322 `.eml` file (the same MIME message SMTP would send)
/// into a folder, created if missing.
///
/// The file is named after the Message-ID ([`FolderMailer::path_for`]), so writing the
/// same email again replaces its file. It is written to a hidden temporary file in the
/// same folder, flushed to disk, then renamed: a crash leaves either the old file, the new
/// one, or a stray `.*.tmp` file, never half an `.eml`.
#[derive(Debug, Clone)]
pub struct FolderMailer {
    folder: PathBuf,
}

impl FolderMailer {
    /// A mailer writing into `folder` (created at the first send if missing).
    #[must_use]
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// The folder.
    #[must_use]
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The file an email with this Message-ID is written to: the Message-ID with every
    /// byte other than ASCII letters, digits and `-_.@+=` written `%XX` (and a leading
    /// dot too, so the file is not hidden), then `.eml`. Two different Message-IDs never
    /// share a file, except ones longer than 180 bytes, which are cut and given a hash.
    #[must_use]
    pub fn path_for(&self, message_id: &str) -> PathBuf {
        self.folder.join(file_name(message_id))
    }
}

#[async_trait]
impl Mailer for FolderMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let bytes = mime_message(email)?.formatted();
        let folder = self.folder.clone();
        let path = self.path_for(&email.message_id);
        let written = tokio::task::spawn_blocking(move || write_atomically(&folder, &path, &bytes))
            .await
            .map_err(|error| MailError::Temporary(format!("the writing task failed: {error}")))?;
        written.map_err(|error| {
            MailError::Temporary(format!(
                "cannot write the email into {}: {error}",
                self.folder.display()
            ))
        })
    }
}

fn file_name(message_id: &str) -> String {
    const MAX_STEM: usize = 180;
    let mut stem = String::with_capacity(message_id.len());
    for (index, byte) in message_id.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'@' | b'+' | b'=')
            || (byte == b'.' && index > 0);
        if keep {
            stem.push(char::from(byte));
        } else {
            stem.push_str(&format!("%{byte:02X}"));
        }
    }
    if stem.len() > MAX_STEM {
        // Every character of the stem is ASCII, so any index is a character boundary.
        stem.truncate(MAX_STEM - 17);
        stem.push_str(&format!("~{:016x}", fnv1a(message_id.as_bytes())));
    }
    stem.push_str(".eml");
    stem
}

/// FNV-1a, 64 bits: a hash that stays the same across builds and versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn write_atomically(folder: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("message.eml");
    let temporary = folder.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)?;
        // The rename itself is on disk once the folder is.
        File::open(folder)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("inv-42@oms.example"), "inv-42@oms.example.eml");
        assert_eq!(file_name("a/b@c"), "a%2Fb@c.eml");
        assert_eq!(file_name("..@x"), "%2E.@x.eml");
        assert_eq!(file_name("é@x"), "%C3%A9@x.eml");
        let ids = [
            "a_b@c", "a/b@c", "a%2Fb@c", "a b@c", "a\\b@c", ".a@c", "%2Ea@c",
        ];
        let names: HashSet<String> = ids.iter().map(|id| file_name(id)).collect();
        assert_eq!(names.len(), ids.len(), "{names:?}");
        for name in &names {
            assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
        }
    }

    #[test]
    fn long_message_ids_are_cut_with_a_hash() {
        let long_a = format!("{}@a", "x".repeat(300));
        let long_b = format!("{}@b", "x".repeat(300));
        let a = file_name(&long_a);
        assert!(a.len() <= 184, "{}", a.len());
        assert_ne!(a, file_name(&long_b));
        assert_eq!(a, file_name(&long_a));
    }
}
