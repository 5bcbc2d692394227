//! A small keep-alive HTTP/1.1 client over one TCP connection: enough to send a request
//! with a body and read the response by its `Content-Length`, and nothing more (no TLS,
//! no chunked bodies, no pipelining, no redirects). The server under measurement is ours:
//! it always sends a `Content-Length`.

use std::io::{self, Write as _};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// The largest response head read before giving up on the server.
const MAX_HEAD: usize = 64 * 1024;

/// One keep-alive connection to a server.
#[derive(Debug)]
pub(crate) struct Client {
    stream: TcpStream,
    /// `host:port`, sent as the `Host` header.
    authority: String,
    /// Bytes read and not yet consumed.
    buffer: Vec<u8>,
    /// The request being written (kept to reuse its allocation).
    request: Vec<u8>,
}

/// A response read in full.
#[derive(Debug)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// The body.
    pub(crate) body: Vec<u8>,
    /// The server said it closes the connection after this response.
    pub(crate) closing: bool,
}

impl Client {
    /// Opens a connection to `authority` (`host:port`), with Nagle's algorithm off (a
    /// request is written in one piece and waits for nothing).
    pub(crate) async fn connect(authority: &str) -> io::Result<Client> {
        let stream = TcpStream::connect(authority).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            authority: authority.to_owned(),
            buffer: Vec::with_capacity(8192),
            request: Vec::with_capacity(1024),
        })
    }

    /// Sends a request with a body (its `Content-Length` is added) and reads the response.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Response> {
        self.request.clear();
        write!(
            self.request,
            "{method} {path} HTTP/1.1\r\nhost: {}\r\n",
            self.authority
        )?;
        for (name, value) in headers {
            write!(self.request, "{name}: {value}\r\n")?;
        }
        write!(self.request, "content-length: {}\r\n\r\n", body.len())?;
        self.request.extend_from_slice(body);
        self.stream.write_all(&self.request).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> io::Result<Response> {
        let head_len = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end + 4;
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(invalid("a response head larger than 64 KiB"));
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_len])
            .map_err(|_| invalid("a response head that is not UTF-8"))?;
        let head = Head::parse(head)?;
        let end = head_len + head.content_length;
        while self.buffer.len() < end {
            self.fill().await?;
        }
        let body = self.buffer[head_len..end].to_vec();
        self.buffer.drain(..end);
        Ok(Response {
            status: head.status,
            body,
            closing: head.closing,
        })
    }

    /// Reads what the server has sent; the end of the stream before a whole response is
    /// an error.
    async fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 8192];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection before a whole response",
            ));
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

/// What the client needs from a response head.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    status: u16,
    content_length: usize,
    closing: bool,
}

impl Head {
    fn parse(head: &str) -> io::Result<Head> {
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        if !version.starts_with("HTTP/1.") {
            return Err(invalid("a response that is not HTTP/1.x"));
        }
        let status = parts
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| invalid("a response without a status code"))?;
        let mut content_length = None;
        let mut closing = version == "HTTP/1.0";
        for line in lines.filter(|l| !l.is_empty()) {
            let Some((name, value)) = line.split_once(':') else {
                return Err(invalid("a malformed response header"));
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| invalid("a malformed Content-Length"))?,
                );
            } else if name.eq_ignore_ascii_case("connection") {
                closing = value.eq_ignore_ascii_case("close");
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(invalid(
                    "a response with a Transfer-Encoding (only Content-Length is read)",
                ));
            }
        }
        let content_length = match content_length {
            Some(length) => length,
            // These never have a body.
            None if status == 204 || status == 304 || status < 200 => 0,
            None => return Err(invalid("a response without a Content-Length")),
        };
        Ok(Head {
            status,
            content_length,
            closing,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the server sent {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_length_and_connection() {
        let head = Head::parse(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nContent-Length: 42\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            head,
            Head {
                status: 201,
                content_length: 42,
                closing: false
            }
        );
        let head = Head::parse(
            "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();
        assert!(head.closing);
        assert_eq!(head.status, 503);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(Head::parse("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").is_err());
        assert!(Head::parse("HTTP/1.1 200 OK\r\n\r\n").is_err());
        assert!(Head::parse("SSH-2.0\r\n\r\n").is_err());
        assert_eq!(
            Head::parse("HTTP/1.1 204 No Content\r\n\r\n")
                .unwrap()
                .content_length,
            0
        );
    }
}
