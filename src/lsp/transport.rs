//! The frames between the client and the server. Every incoming frame is checked before
//! the protocol library sees it: a frame it cannot decode would end its read loop and so
//! the server. A malformed header, or a body the library could not decode, is logged on
//! stderr and dropped; a malformed request whose id can still be read is replaced by an
//! [`INVALID_REQUEST`] request with that id, so that the client gets an error answer
//! instead of waiting forever. The next good frame is served as usual, even when it
//! follows garbage on the same line.

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Larger frames are refused (no real document comes near).
const MAX_FRAME: usize = 1 << 30;
/// Of a longer header line only the end is kept: a real header is short, and after
/// garbage the next frame's `Content-Length` is at the end of the line.
const MAX_LINE: usize = 4096;
/// The method a malformed request with a readable id is replaced with. Unless the server
/// registers it, the client gets `MethodNotFound` for that id: an error answer all the same.
pub const INVALID_REQUEST: &str = "oneonone/invalidRequest";

/// Copies frames from `input` to `output`, replacing malformed ones, until `input` ends.
pub async fn sanitize<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let frame = match read_frame(&mut input).await {
            Frame::End => break,
            Frame::Body(body) => match check(&body) {
                Verdict::Pass => body,
                Verdict::Answer { id, reason } => {
                    eprintln!("oneonone-ls: answered {reason} with an error");
                    let substitute = json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "method": INVALID_REQUEST,
                        "params": {"reason": reason},
                    });
                    substitute.to_string().into_bytes()
                }
                Verdict::Rewrite(message) => message.to_string().into_bytes(),
                Verdict::Drop(reason) => {
                    eprintln!("oneonone-ls: ignored {reason}");
                    continue;
                }
            },
            Frame::Bad(reason) => {
                eprintln!("oneonone-ls: ignored {reason}");
                continue;
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", frame.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&frame).await?;
            output.flush().await
        };
        if written.await.is_err() {
            break;
        }
    }
    let _ = output.shutdown().await;
}

enum Frame {
    Body(Vec<u8>),
    Bad(String),
    End,
}

async fn read_frame<R: AsyncBufRead + Unpin>(input: &mut R) -> Frame {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let Some(line) = read_line(input).await else {
            return Frame::End;
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // blank lines between frames
        }
        saw_header = true;
        // The last `Content-Length` of the header wins, wherever it starts on its line:
        // after a body that lied about its length, the rest of it runs into the next
        // frame's first header line.
        if let Some(value) = content_length(text) {
            length = Some(value);
        }
    }
    let length = match length {
        None => return Frame::Bad("a header without Content-Length".into()),
        Some(Err(value)) => return Frame::Bad(format!("a Content-Length of {value:?}")),
        Some(Ok(n)) if n > MAX_FRAME => {
            // Not skipped: a header that lies would swallow every frame after it. The body,
            // if it comes, is read as header lines (kept short) until the next frame.
            return Frame::Bad(format!("a frame of {n} bytes, over the limit"));
        }
        Some(Ok(n)) => n,
    };
    // Grown as the bytes arrive: a header that claims a gigabyte costs nothing until
    // the gigabyte comes.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    match input.take(length as u64).read_to_end(&mut body).await {
        Ok(n) if n == length => Frame::Body(body),
        _ => Frame::End, // truncated at the end of input
    }
}

/// The value of the last `Content-Length:` on a header line (the name in any case).
pub(super) fn content_length(line: &str) -> Option<Result<usize, String>> {
    const NAME: &str = "content-length:";
    let at = line.to_ascii_lowercase().rfind(NAME)?;
    let value = line[at + NAME.len()..].trim();
    Some(value.parse().map_err(|_| value.to_string()))
}

/// One line, up to and with its `\n`; of a longer line than [`MAX_LINE`] only the end.
/// `None` at the end of input.
async fn read_line<R: AsyncBufRead + Unpin>(input: &mut R) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let buf = input.fill_buf().await.ok()?;
        if buf.is_empty() {
            return None;
        }
        let (taken, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..taken]);
        input.consume(taken);
        if line.len() > MAX_LINE {
            line.drain(..line.len() - MAX_LINE);
        }
        if done {
            return Some(line);
        }
    }
}

/// What to do with a body.
enum Verdict {
    /// The protocol library decodes it.
    Pass,
    /// A request the library cannot decode, but whose id is readable: answer an error.
    Answer {
        id: Value,
        reason: String,
    },
    /// Pass this instead.
    Rewrite(Value),
    Drop(String),
}

/// Whether the protocol library can decode a body as a JSON-RPC 2.0 request, notification
/// or response, exactly as it parses them (so that it never sees a frame that would end
/// its read loop: a duplicate key, an id that is not an `i64` or a string, a missing
/// `"jsonrpc": "2.0"`...).
fn check(body: &[u8]) -> Verdict {
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        let method = request.method();
        // The server handles no `$/` request, and the protocol says to answer those with
        // MethodNotFound, but the library answers nothing at all: passed on under a name
        // that does not start with `$/`, it answers.
        if method.starts_with("$/") && request.id().is_some() {
            let renamed = format!("unhandled:{method}");
            return rewrite(body, |obj| {
                obj.insert("method".into(), json!(renamed));
            });
        }
        // `shutdown` and `exit` take no params. The library refuses a shutdown that has
        // some (`"params": {}` from a sloppy client) but still shuts down, and the server
        // would then exit with 1: the params are dropped instead.
        let bare = matches!(method, "shutdown" | "exit");
        if bare && request.params().is_some_and(|p| !p.is_null()) {
            return rewrite(body, |obj| {
                obj.remove("params");
            });
        }
        // The library defaults a missing method to "": then it must be a response.
        if !method.is_empty() {
            return Verdict::Pass;
        }
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Verdict::Pass;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Verdict::Drop(format!("a body that is not JSON ({e})")),
    };
    let Some(obj) = value.as_object() else {
        return Verdict::Drop("a message that is not a JSON object".into());
    };
    let reason = if obj.get("jsonrpc") != Some(&json!("2.0")) {
        "a message without \"jsonrpc\": \"2.0\""
    } else if !obj.contains_key("method") {
        "a message that is neither a request nor a response"
    } else if !obj["method"].is_string() {
        "a request whose method is not a string"
    } else {
        "a malformed request"
    };
    let id = obj
        .get("id")
        .filter(|id| id.is_i64() || id.is_string())
        .filter(|_| obj.contains_key("method"));
    match id {
        Some(id) => Verdict::Answer {
            id: id.clone(),
            reason: reason.into(),
        },
        None => Verdict::Drop(reason.into()),
    }
}

/// A message to pass on changed: the library parses `body`, so it is a JSON object.
fn rewrite(body: &[u8], change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Verdict {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut obj)) => {
            change(&mut obj);
            Verdict::Rewrite(Value::Object(obj))
        }
        _ => Verdict::Drop("a message that is not a JSON object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        sanitize(input, &mut out).await;
        let mut reader = BufReader::new(&out[..]);
        let mut messages = Vec::new();
        while let Frame::Body(b) = read_frame(&mut reader).await {
            messages.push(serde_json::from_slice(&b).unwrap());
        }
        messages
    }

    fn frame(body: &str) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","method":"x","params":{}}"#;

    #[tokio::test]
    async fn good_frames_pass_and_bad_ones_are_dropped() {
        let mut input = frame(GOOD);
        input.extend_from_slice(b"Content-Length: 9\r\n\r\n{not json");
        input.extend_from_slice(b"X-Nonsense: 1\r\n\r\n");
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n[]");
        input.extend_from_slice(&frame(GOOD));
        input.extend_from_slice(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"");
        let messages = run(&input).await;
        let methods: Vec<&str> = messages
            .iter()
            .map(|m| m["method"].as_str().unwrap())
            .collect();
        assert_eq!(
            methods,
            ["x", "x"],
            "bad frames dropped, the truncated last one ends the input"
        );
    }

    #[tokio::test]
    async fn the_next_frame_is_found_after_garbage_on_its_line() {
        // A body without a valid length is read as a header line, which runs into the
        // next frame's header.
        let mut input = b"Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
        input.extend_from_slice(&frame(GOOD));
        // An over-long line of garbage, then a frame.
        input.extend(std::iter::repeat_n(b'z', 100_000));
        input.extend_from_slice(&frame(GOOD));
        // A header that claims more than the limit does not swallow what follows.
        input.extend_from_slice(b"Content-Length: 99999999999\r\n\r\n");
        input.extend_from_slice(&frame(GOOD));
        assert_eq!(run(&input).await.len(), 3);
    }

    #[tokio::test]
    async fn requests_the_library_cannot_decode_are_answered_or_dropped() {
        let bodies = [
            // Answered: the id is readable.
            r#"{"id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"1.0","id":"two","method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":3,"method":7}"#,
            r#"{"jsonrpc":"2.0","id":4,"id":4,"method":"x"}"#,
            // Dropped: no id the library could answer with.
            r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"x","method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":5}"#,
            r#""hello""#,
        ];
        let input: Vec<u8> = bodies.iter().flat_map(|b| frame(b)).collect();
        let messages = run(&input).await;
        let ids: Vec<&Value> = messages.iter().map(|m| &m["id"]).collect();
        assert_eq!(ids, [&json!(1), &json!("two"), &json!(3), &json!(4)]);
        assert!(messages.iter().all(|m| m["method"] == INVALID_REQUEST));
        // Params of the wrong type are the library's to refuse (InvalidParams).
        let odd = r#"{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":"x"}"#;
        assert_eq!(run(&frame(odd)).await[0]["params"], "x");
        // A `$/` request goes on under another name, so that it is answered MethodNotFound.
        let dollar = r#"{"jsonrpc":"2.0","id":7,"method":"$/ping"}"#;
        assert_eq!(run(&frame(dollar)).await[0]["method"], "unhandled:$/ping");
        let note = r#"{"jsonrpc":"2.0","method":"$/ping"}"#;
        assert_eq!(run(&frame(note)).await[0]["method"], "$/ping");
        let shutdown = r#"{"jsonrpc":"2.0","id":8,"method":"shutdown","params":{}}"#;
        assert_eq!(
            run(&frame(shutdown)).await[0],
            json!({"jsonrpc": "2.0", "id": 8, "method": "shutdown"})
        );
    }
}
