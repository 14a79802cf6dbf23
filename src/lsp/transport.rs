//! The frames between the client and the server. Every incoming frame is checked before
//! the protocol library sees it: a frame it cannot decode would end its read loop and so
//! the server. A malformed header, a body that is not JSON, or JSON that is not a JSON-RPC
//! message is logged on stderr and dropped (it has no id to answer); the next good frame is
//! served as usual.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Larger frames are skipped (no real document comes near).
const MAX_FRAME: usize = 1 << 30;

/// Copies frames from `input` to `output`, replacing malformed ones, until `input` ends.
pub async fn sanitize<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let problem = match read_frame(&mut input).await {
            Frame::End => break,
            Frame::Body(body) => match check(&body) {
                Ok(()) => Ok(body),
                Err(reason) => Err(reason),
            },
            Frame::Bad(reason) => Err(reason),
        };
        let frame = match problem {
            Ok(body) => body,
            Err(reason) => {
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

async fn read_frame<R: AsyncBufReadExt + Unpin>(input: &mut R) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // blank lines between frames
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Frame::Bad("a header without a valid Content-Length".into());
    };
    if length > MAX_FRAME {
        let skipped = tokio::io::copy(&mut input.take(length as u64), &mut tokio::io::sink()).await;
        return match skipped {
            Ok(n) if n == length as u64 => {
                Frame::Bad(format!("a frame of {length} bytes, over the limit"))
            }
            _ => Frame::End,
        };
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::End, // truncated at the end of input
    }
}

/// Whether a body is a JSON-RPC 2.0 request, notification or response.
fn check(body: &[u8]) -> Result<(), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("a body that is not JSON ({e})"))?;
    let Some(obj) = value.as_object() else {
        return Err("a message that is not a JSON object".into());
    };
    if obj.get("jsonrpc") != Some(&json!("2.0")) {
        return Err("a message without \"jsonrpc\": \"2.0\"".into());
    }
    let id_ok = obj
        .get("id")
        .is_none_or(|id| id.is_null() || id.is_string() || id.is_i64() || id.is_u64());
    if !id_ok {
        return Err("a message with an id that is not a number or a string".into());
    }
    match obj.get("method") {
        Some(Value::String(_)) => {
            if obj
                .get("params")
                .is_none_or(|p| p.is_object() || p.is_array() || p.is_null())
            {
                Ok(())
            } else {
                Err("a message whose params are not an object or an array".into())
            }
        }
        Some(_) => Err("a message whose method is not a string".into()),
        None if obj.contains_key("id")
            && (obj.contains_key("result") || obj.contains_key("error")) =>
        {
            Ok(())
        }
        None => Err("a message that is neither a request nor a response".into()),
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

    #[tokio::test]
    async fn good_frames_pass_and_bad_ones_are_dropped() {
        let good = br#"{"jsonrpc":"2.0","method":"x","params":{}}"#;
        let mut input = format!("Content-Length: {}\r\n\r\n", good.len()).into_bytes();
        input.extend_from_slice(good);
        input.extend_from_slice(b"Content-Length: 9\r\n\r\n{not json");
        input.extend_from_slice(b"X-Nonsense: 1\r\n\r\n");
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n[]");
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", good.len()).as_bytes());
        input.extend_from_slice(good);
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
}
