//! Compress once, answer many: a kept public page or a static file is compressed (gzip or
//! Brotli) the first time a browser asks for that form, and the result is kept with it. A response carrying [`Variants`] is answered here
//! with the form the browser asked for (`Accept-Encoding`, q-values respected), a strong
//! `ETag` per form, and `304 Not Modified` when the browser already has it (`If-None-Match`).
//! Everything else is left to the per-request compression layer outside this one.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// One page or file, in each form it is sent in, each made once when first asked for.
///
/// Made on demand, not all at once: a page visited once (a crawler walking 20,000 plans) is
/// compressed once in the form asked for, at a fast level, never three ways at the slowest
/// (which cost 40 requests a second and 2 GB of encoder memory under load, measured).
#[derive(Debug)]
pub struct Variants {
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
    /// The content's digest (hex); each form's ETag adds its coding.
    tag: String,
}

/// The forms a response can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Br,
}

/// gzip at zlib's default level: about 1 ms for a 20 KB page.
fn gzip(data: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .unwrap_or_default()
}

/// Brotli at a fast level with a small window (256 KB: pages are smaller), so each encoder
/// needs little memory.
fn brotli(data: &[u8]) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        lgwin: 18,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .map(|_| Bytes::from(out))
        .unwrap_or_default()
}

impl Variants {
    /// The page or file; its compressed forms are made when first asked for.
    pub fn new(identity: Bytes) -> Variants {
        let tag = hex::encode(&Sha256::digest(&identity)[..12]);
        Variants {
            identity,
            gzip: OnceLock::new(),
            br: OnceLock::new(),
            tag,
        }
    }

    /// Roughly the bytes it will keep, with its compressed forms (for a cache's byte budget):
    /// compressed pages are a fifth or less of the plain ones.
    pub fn size(&self) -> usize {
        self.identity.len() + self.identity.len() / 2
    }

    /// The uncompressed content.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    fn body(&self, coding: Coding) -> &Bytes {
        let made = match coding {
            Coding::Identity => return &self.identity,
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.identity)),
            Coding::Br => self.br.get_or_init(|| brotli(&self.identity)),
        };
        // A form that failed to compress (never expected) falls back to identity.
        if made.is_empty() {
            &self.identity
        } else {
            made
        }
    }

    /// The strong ETag of one form: a different form is a different representation.
    fn etag(&self, coding: Coding) -> String {
        match coding {
            Coding::Identity => format!("\"{}\"", self.tag),
            Coding::Gzip => format!("\"{}-gz\"", self.tag),
            Coding::Br => format!("\"{}-br\"", self.tag),
        }
    }

    /// Whether `If-None-Match` names this content, in any form (the browser may hold another
    /// form of the same bytes; the answer then carries this form's tag).
    fn matches(&self, if_none_match: &str) -> bool {
        if_none_match.split(',').any(|candidate| {
            let candidate = candidate.trim();
            let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
            candidate == "*"
                || candidate
                    .trim_matches('"')
                    .trim_end_matches("-gz")
                    .trim_end_matches("-br")
                    == self.tag
        })
    }
}

/// The form to send for an `Accept-Encoding` header: Brotli, then gzip, when accepted with a
/// q-value above zero (the higher q wins; a tie goes to Brotli, which is smaller); otherwise
/// identity.
pub fn choose(accept_encoding: Option<&str>) -> Coding {
    let Some(header) = accept_encoding else {
        return Coding::Identity;
    };
    let mut q_br: Option<f32> = None;
    let mut q_gzip: Option<f32> = None;
    let mut q_any: Option<f32> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                (name.trim().eq_ignore_ascii_case("q")).then(|| value.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        match coding.as_str() {
            "br" => q_br = Some(q),
            "gzip" | "x-gzip" => q_gzip = Some(q),
            "*" => q_any = Some(q),
            _ => {}
        }
    }
    let br = q_br.or(q_any).unwrap_or(0.0);
    let gzip = q_gzip.or(q_any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Br
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Answers a response that carries [`Variants`] in the form asked for, or with 304.
pub async fn middleware(request: Request, next: Next) -> Response {
    // Only the two headers this needs are kept (this runs for every request).
    let mut asked = HeaderMap::new();
    for name in [header::ACCEPT_ENCODING, header::IF_NONE_MATCH] {
        if let Some(value) = request.headers().get(&name) {
            asked.insert(name, value.clone());
        }
    }
    let response = next.run(request).await;
    let Some(variants) = response.extensions().get::<Arc<Variants>>().cloned() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    answer(&asked, response, &variants)
}

fn answer(asked: &HeaderMap, response: Response, variants: &Variants) -> Response {
    let coding = choose(
        asked
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let (mut parts, _) = response.into_parts();
    let headers = &mut parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    // `Vary: accept-encoding` is added by the compression layer outside, for every response.

    if let Ok(etag) = HeaderValue::from_str(&variants.etag(coding)) {
        headers.insert(header::ETAG, etag);
    }
    let not_modified = asked
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| variants.matches(v));
    if not_modified {
        // The compression layer leaves a 304 alone, so it says what varies here.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.remove(header::CONTENT_TYPE);
        parts.status = StatusCode::NOT_MODIFIED;
        return Response::from_parts(parts, Body::empty());
    }
    let chosen = variants.body(coding);
    // The identity form is sent when compressing failed: then no Content-Encoding.
    let compressed = !std::ptr::eq(chosen, variants.identity());
    let body = chosen.clone();
    match coding {
        Coding::Gzip if compressed => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        Coding::Br if compressed => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        }
        _ => {}
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_by_q_values() {
        assert_eq!(choose(None), Coding::Identity);
        assert_eq!(choose(Some("gzip, deflate, br")), Coding::Br);
        assert_eq!(choose(Some("gzip")), Coding::Gzip);
        assert_eq!(choose(Some("br;q=0.5, gzip;q=1")), Coding::Gzip);
        assert_eq!(choose(Some("br;q=0, gzip;q=0.1")), Coding::Gzip);
        assert_eq!(choose(Some("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(choose(Some("identity")), Coding::Identity);
        assert_eq!(choose(Some("*")), Coding::Br);
        assert_eq!(choose(Some("*;q=0.5, br;q=0")), Coding::Gzip);
        assert_eq!(choose(Some("BR ; Q=1")), Coding::Br);
        assert_eq!(choose(Some("gzip;q=nonsense")), Coding::Gzip);
    }

    #[test]
    fn each_form_round_trips_and_has_its_own_tag() {
        let page = Bytes::from("<p>Hello, Making it Real</p>".repeat(200));
        let v = Variants::new(page.clone());
        let mut gunzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(v.body(Coding::Gzip).as_ref()),
            &mut gunzipped,
        )
        .expect("gunzip");
        assert_eq!(gunzipped, page.as_ref());
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut v.body(Coding::Br).as_ref(), &mut unbrotli)
            .expect("unbrotli");
        assert_eq!(unbrotli, page.as_ref());
        assert!(
            v.body(Coding::Br).len() < page.len() / 10
                && v.body(Coding::Gzip).len() < page.len() / 10
        );
        let tags = [
            v.etag(Coding::Identity),
            v.etag(Coding::Gzip),
            v.etag(Coding::Br),
        ];
        assert!(tags[0] != tags[1] && tags[1] != tags[2]);
        for tag in &tags {
            assert!(v.matches(tag), "{tag}");
            assert!(v.matches(&format!("\"other\", W/{tag}")));
        }
        assert!(v.matches("*"));
        assert!(!v.matches("\"other\""));
        assert!(!Variants::new(Bytes::from("changed")).matches(&tags[0]));
    }
}
