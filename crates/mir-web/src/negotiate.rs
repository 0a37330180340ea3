//! Compress once, answer many: a kept public page or a static file is compressed (gzip or
//! Brotli) the first time a browser asks for that form, and the result is kept with it. A response carrying [`Variants`] is answered here
//! with the form the browser asked for (`Accept-Encoding`, q-values respected), a strong
//! `ETag` per form, and `304 Not Modified` when the browser already has it (`If-None-Match`).
//! Everything else is left to the per-request compression layer inside this one, which
//! [`NotKept`] tells to leave kept pages alone.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use tower_http::compression::Predicate;

/// One page or file, in each form it is sent in, compressed once.
///
/// A page is kept in its gzip form only, made when it is built (every browser asks for gzip
/// or Brotli): the plain page is five times larger, and keeping it cut the pages a 64 MB
/// cache held from about 13,000 to 1,500 (measured on the national dataset). The rare
/// visitor that accepts no compression gets it unzipped on the way out. The Brotli form is
/// made when first asked for. A static file also keeps its plain form, which costs nothing
/// (it is part of the program).
#[derive(Debug)]
pub struct Variants {
    /// The plain form, when kept (a static file's).
    identity: Option<Bytes>,
    /// The gzip form; empty only if compressing failed (never expected), and then the plain
    /// form is kept instead.
    gzip: Bytes,
    br: OnceLock<Bytes>,
    /// The content's digest (hex); each form's ETag adds its coding.
    tag: String,
    /// Each form's `ETag` header (identity, gzip, Brotli), made once.
    etags: [HeaderValue; 3],
    /// The headers it was first sent with, by the whole stack of layers, less those that
    /// differ per request or per form: what [`crate::middleware::kept_pages`] sends again.
    sent: OnceLock<HeaderMap>,
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
        .map(exact)
        .unwrap_or_default()
}

/// Kept bytes without the spare room a growing buffer leaves (up to as much again).
fn exact(mut made: Vec<u8>) -> Bytes {
    made.shrink_to_fit();
    Bytes::from(made)
}

fn gunzip(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() * 6);
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(data), &mut out)
        .map(|_| Bytes::from(out))
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
        .map(|_| exact(out))
        .unwrap_or_default()
}

impl Variants {
    /// A static file: its plain form is kept with its gzip form.
    pub fn new(identity: Bytes) -> Variants {
        let mut variants = Variants::compact(identity.clone());
        variants.identity = Some(identity);
        variants
    }

    /// A page: compressed now, and only the gzip form kept.
    pub fn compact(identity: Bytes) -> Variants {
        let tag = hex::encode(&Sha256::digest(&identity)[..12]);
        let gzip = gzip(&identity);
        // Hex digits and quotes are always a valid header value.
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("\"\""))
        };
        Variants {
            identity: gzip.is_empty().then_some(identity),
            gzip,
            br: OnceLock::new(),
            etags: [etag(""), etag("-gz"), etag("-br")],
            tag,
            sent: OnceLock::new(),
        }
    }
    /// Remembers the headers of an answer that every layer has seen (status 200, no cookie
    /// set), less those made per request or per form, so the next visitor can be answered
    /// without the layers. The first answer's are kept; every later one is the same.
    pub fn remember_headers(&self, headers: &HeaderMap) {
        if self.sent.get().is_some() {
            return;
        }
        let mut kept = headers.clone();
        for per_request in [
            header::ETAG,
            header::CONTENT_ENCODING,
            header::CONTENT_LENGTH,
            header::DATE,
            header::VARY,
            header::SET_COOKIE,
            header::HeaderName::from_static(crate::page::REQUEST_ID),
        ] {
            kept.remove(per_request);
        }
        // [`answer`] adds `Vary: accept-encoding` itself; what else varies stays.
        for vary in headers.get_all(header::VARY) {
            if !vary.as_bytes().eq_ignore_ascii_case(b"accept-encoding") {
                kept.append(header::VARY, vary.clone());
            }
        }
        let _ = self.sent.set(kept);
    }

    /// The headers remembered by [`Variants::remember_headers`], if an answer was sent yet.
    pub fn sent_headers(&self) -> Option<&HeaderMap> {
        self.sent.get()
    }

    /// The bytes it keeps, counting a Brotli form as large as the gzip one (for a cache's
    /// byte budget; a page's plain form is not kept).
    pub fn size(&self) -> usize {
        self.gzip.len() * 2 + self.identity.as_ref().map_or(0, Bytes::len)
    }

    /// The uncompressed content (unzipped when only the gzip form is kept).
    pub fn identity(&self) -> Bytes {
        match &self.identity {
            Some(identity) => identity.clone(),
            None => gunzip(&self.gzip),
        }
    }

    /// The body for a coding, and whether it is in that coding: a form that failed to
    /// compress (never expected) falls back to the plain form.
    fn body(&self, coding: Coding) -> (Bytes, bool) {
        let made = match coding {
            Coding::Identity => return (self.identity(), false),
            Coding::Gzip => &self.gzip,
            Coding::Br => self.br.get_or_init(|| brotli(&self.identity())),
        };
        if made.is_empty() {
            (self.identity(), false)
        } else {
            (made.clone(), true)
        }
    }

    /// The strong ETag of one form: a different form is a different representation.
    fn etag(&self, coding: Coding) -> &HeaderValue {
        match coding {
            Coding::Identity => &self.etags[0],
            Coding::Gzip => &self.etags[1],
            Coding::Br => &self.etags[2],
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
        let coding = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                (name.trim().eq_ignore_ascii_case("q")).then(|| value.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        // Compared without making a lower-case copy (this runs for every kept answer).
        if coding.eq_ignore_ascii_case("br") {
            q_br = Some(q);
        } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            q_gzip = Some(q);
        } else if coding == "*" {
            q_any = Some(q);
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

/// Tells the per-request compression layer to leave alone a response that carries
/// [`Variants`]: it is sent in a form already made, and starting an encoder for it anyway
/// (zeroing its window) cost a tenth of the CPU of answering a kept page (measured with `perf`).
#[derive(Debug, Clone, Copy)]
pub struct NotKept;

impl Predicate for NotKept {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<Arc<Variants>>().is_none()
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
    let (parts, _) = response.into_parts();
    answer(&asked, parts, &variants)
}

/// The answer to a request with these headers (only `Accept-Encoding` and `If-None-Match` are
/// read), from `parts` (status 200 and the page's headers): the chosen form, or 304.
/// `304 Not Modified` if the browser already has the form it asks for (`If-None-Match`), with
/// only the headers a 304 must repeat from the 200 it stands for (RFC 9110, 15.4.5): the
/// cache's rules, what the answer varies on, and the tag; and any cookie the answer sets (the
/// Easy Read choice: a browser revalidating `?view=easy` must still get it, review finding).
/// A cache keeps the other headers it stored with the page (RFC 9111, 4.3.4); the rest would
/// be bytes and copying per answer: nginx sends the same few. `sent`: the page's headers as
/// the layers made them.
pub fn not_modified(asked: &HeaderMap, sent: &HeaderMap, variants: &Variants) -> Option<Response> {
    let has_it = asked
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| variants.matches(v));
    if !has_it {
        return None;
    }
    let coding = choose(
        asked
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    for name in [
        header::CACHE_CONTROL,
        header::EXPIRES,
        header::CONTENT_LOCATION,
    ] {
        if let Some(value) = sent.get(&name) {
            headers.insert(name, value.clone());
        }
    }
    for cookie in sent.get_all(header::SET_COOKIE) {
        headers.append(header::SET_COOKIE, cookie.clone());
    }
    for vary in sent.get_all(header::VARY) {
        if !vary.as_bytes().eq_ignore_ascii_case(b"accept-encoding") {
            headers.append(header::VARY, vary.clone());
        }
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::ETAG, variants.etag(coding).clone());
    Some(response)
}

pub fn answer(
    asked: &HeaderMap,
    mut parts: axum::http::response::Parts,
    variants: &Variants,
) -> Response {
    let coding = choose(
        asked
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let headers = &mut parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    // The compression layer inside left this response alone ([`NotKept`]), so it says here
    // that the answer depends on `Accept-Encoding`.
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));

    if let Some(not_modified) = not_modified(asked, headers, variants) {
        return not_modified;
    }
    headers.insert(header::ETAG, variants.etag(coding).clone());
    // The identity form is sent when compressing failed: then no Content-Encoding.
    let (body, compressed) = variants.body(coding);
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
        // A page keeps only its gzip form; every form still round-trips.
        let v = Variants::compact(page.clone());
        assert!(v.identity.is_none(), "a page's plain form is not kept");
        assert!(v.size() < page.len() / 5, "{} bytes kept", v.size());
        let (plain, compressed) = v.body(Coding::Identity);
        assert_eq!((plain, compressed), (page.clone(), false));
        let (gzipped, compressed) = v.body(Coding::Gzip);
        assert!(compressed);
        let mut gunzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(gzipped.as_ref()),
            &mut gunzipped,
        )
        .expect("gunzip");
        assert_eq!(gunzipped, page.as_ref());
        let (brotlied, compressed) = v.body(Coding::Br);
        assert!(compressed);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut brotlied.as_ref(), &mut unbrotli).expect("unbrotli");
        assert_eq!(unbrotli, page.as_ref());
        assert!(brotlied.len() < page.len() / 10 && gzipped.len() < page.len() / 10);
        // A static file keeps its plain form too.
        assert_eq!(Variants::new(page.clone()).identity, Some(page.clone()));
        let tags = [
            v.etag(Coding::Identity),
            v.etag(Coding::Gzip),
            v.etag(Coding::Br),
        ]
        .map(|t| t.to_str().unwrap_or_default().to_owned());
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
