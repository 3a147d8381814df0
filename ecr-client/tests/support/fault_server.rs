//! A real HTTP/1.1 server on 127.0.0.1 that answers each request as a
//! script says: an answer, a reset connection, silence, or a body cut short.
//! It records every request it reads.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// An answer: status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Close the connection with a TCP reset, answering nothing.
    Reset,
    /// Never answer.
    Silence,
    /// Announce `declared` body bytes, send `body`, then close.
    CutShort { declared: usize, body: Vec<u8> },
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Answer(status, vec![("content-type", "application/x-amz-json-1.1".into())], body.as_bytes().to_vec())
    }

    /// An awsJson error answer as AWS sends it.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Reply::Answer(
            status,
            vec![("content-type", "application/x-amz-json-1.1".into()), ("x-amzn-requestid", format!("req-{code}"))],
            format!(r#"{{"__type":"com.amazonaws.ecr#{code}","message":"{message}"}}"#).into_bytes(),
        )
    }
}

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    /// A header's value (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A running server.
pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts a server that gives the `script` replies in order, then the
    /// last one for every further request.
    pub async fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, script.clone(), seen.clone()));
            }
        });
        Server { url, requests }
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(mut stream: TcpStream, script: Vec<Reply>, seen: Arc<Mutex<Vec<Request>>>) {
    loop {
        let Some(request) = read_request(&mut stream).await else { return };
        let index = {
            let mut seen = seen.lock().unwrap();
            seen.push(request);
            seen.len() - 1
        };
        let reply = script.get(index).or(script.last()).cloned().expect("a script");
        match reply {
            Reply::Answer(status, headers, body) => {
                let mut head = format!("HTTP/1.1 {status} Whatever\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(&body).await.is_err() {
                    return;
                }
            }
            Reply::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Reply::Silence => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::CutShort { declared, body } => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {declared}\r\n\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                return;
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request { head, body })
}
