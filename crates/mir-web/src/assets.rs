//! Static files embedded in the binary and served under content-hashed names, so browsers may
//! cache them for a year and a new release is fetched at once. Nothing is loaded from elsewhere.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    /// `name` with the first 10 hex digits of its SHA-256 before the extension.
    pub hashed_name: String,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// The file and its gzip and Brotli forms, made once at start.
    pub variants: std::sync::Arc<crate::negotiate::Variants>,
}

macro_rules! embed {
    ($name:literal, $type:literal) => {
        (
            $name,
            include_bytes!(concat!("../assets/", $name)).as_slice(),
            $type,
        )
    };
}

const FILES: [(&str, &[u8], &str); 15] = [
    embed!("embed.css", "text/css; charset=utf-8"),
    embed!("mir.css", "text/css; charset=utf-8"),
    embed!("mir.js", "text/javascript; charset=utf-8"),
    embed!("favicon.svg", "image/svg+xml"),
    embed!("picture-easy-read.svg", "image/svg+xml"),
    embed!("picture-people.svg", "image/svg+xml"),
    embed!("picture-talk.svg", "image/svg+xml"),
    embed!("picture-plan.svg", "image/svg+xml"),
    embed!("picture-share.svg", "image/svg+xml"),
    embed!("card-working-well.svg", "image/svg+xml"),
    embed!("card-needs-to-change.svg", "image/svg+xml"),
    embed!("card-idea.svg", "image/svg+xml"),
    embed!("card-question.svg", "image/svg+xml"),
    embed!("card-heart.svg", "image/svg+xml"),
    embed!("card-star.svg", "image/svg+xml"),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, bytes, content_type)| {
            let hash = hex::encode(Sha256::digest(bytes));
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset {
                name,
                hashed_name: format!("{stem}.{}.{ext}", &hash[..10]),
                bytes,
                content_type,
                variants: std::sync::Arc::new(crate::negotiate::Variants::new(
                    bytes::Bytes::from_static(bytes),
                )),
            }
        })
        .collect()
});

/// The URL of an embedded file by its plain name, e.g. `url("mir.css")`.
///
/// Names are constants in templates; an unknown one yields a URL that answers 404, and the
/// `every_asset_url_resolves` test fails.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => format!("/assets/{}", asset.hashed_name),
        None => format!("/assets/missing-{name}"),
    }
}

pub fn all() -> &'static [Asset] {
    &ASSETS
}

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.hashed_name == file) {
        Some(asset) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, asset.content_type),
                    (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                ],
                asset.bytes,
            )
                .into_response();
            // Sent already compressed (see `negotiate`).
            response.extensions_mut().insert(asset.variants.clone());
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_hashed_name() {
        let mut names: Vec<&str> = all().iter().map(|a| a.hashed_name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FILES.len());
        assert!(url("mir.css").starts_with("/assets/mir.") && url("mir.css").ends_with(".css"));
    }
}
