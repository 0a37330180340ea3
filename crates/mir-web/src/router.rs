//! The one route table, and the layers every request passes through.
//!
//! To add a page: write a handler in `routes/`, a template in `templates/`, add the route here,
//! and add it to the route × role matrix in `tests/it/http.rs`.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::WebError;
use crate::middleware::{
    changes, csrf, error_pages, kept_pages, metrics, security_headers, session, sign_in_first,
    view_mode,
};
use crate::negotiate::NotKept;
use crate::routes::{
    account, admin, contact, find, frameworks, home, info, live, moving, ops, partnerships, plans,
    relay, reviews, sign_in, sign_up, stories, working_groups, workspace,
};
use crate::{AppState, assets};

/// Largest request body accepted: forms are small; this keeps a flood of bytes cheap to refuse.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let timeout: Duration = state.config.request_timeout;
    let routes = Router::new()
        .route("/", get(home::show))
        .route("/accessibility", get(info::accessibility))
        .route("/privacy", get(info::privacy))
        .route("/cookies", get(info::cookies))
        .route("/contact", get(contact::show).post(contact::send))
        .route("/frameworks", get(frameworks::list))
        .route("/frameworks/{slug}", get(frameworks::show))
        .route("/frameworks/{slug}/themes/{code}", get(frameworks::theme))
        .route(
            "/frameworks/{slug}/themes/{code}/print",
            get(frameworks::print),
        )
        .route(
            "/frameworks/{slug}/statements/{code}",
            get(frameworks::statement),
        )
        .route(
            "/frameworks/{slug}/versions/{version}/pictures/{file}",
            get(frameworks::picture),
        )
        .route(
            "/sign-in/link/{token}",
            get(sign_in::show).post(sign_in::use_link),
        )
        .route("/sign-out", post(sign_in::sign_out))
        .route(
            "/sign-in",
            get(sign_in::sign_in).post(sign_in::sign_in_with_password),
        )
        .route("/sign-in/email-link", post(sign_in::request_link))
        .route("/sign-in/check-email", get(sign_in::check_email))
        .route("/account", get(account::account))
        .route(
            "/account/password",
            get(account::password).post(account::change_password),
        )
        .route(
            "/account/email",
            get(account::email).post(account::change_email),
        )
        .route("/account/data.json", get(account::my_data))
        .route("/account/name", get(account::name).post(account::save_name))
        .route(
            "/account/easy-read",
            get(account::easy_read).post(account::save_easy_read),
        )
        .route(
            "/account/emails",
            get(account::emails).post(account::save_emails),
        )
        .route(
            "/account/delete",
            get(account::delete_page).post(account::delete_account),
        )
        .route(
            "/account/email/confirm/{token}",
            get(account::confirm_email).post(account::use_email_link),
        )
        .route(
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        .route(
            "/password-reset",
            get(sign_in::reset_request).post(sign_in::send_reset),
        )
        .route(
            "/password-reset/{token}",
            get(sign_in::reset).post(sign_in::set_new_password),
        )
        .route("/manage/sign-up", get(sign_up::start))
        .route(
            "/manage/sign-up/check",
            get(sign_up::check).post(sign_up::submit),
        )
        .route(
            "/manage/sign-up/confirm/{token}",
            get(sign_up::confirm_page).post(sign_up::confirm),
        )
        .route(
            "/manage/sign-up/{step}",
            get(sign_up::question).post(sign_up::answer),
        )
        .route("/manage/organisations/{slug}", get(workspace::show))
        .route(
            "/manage/organisations/{slug}/invite",
            post(workspace::invite),
        )
        .route(
            "/manage/organisations/{slug}/members/{person}/remove",
            get(workspace::remove_page).post(workspace::remove),
        )
        .route(
            "/manage/organisations/{slug}/members/{person}/co-chair",
            get(workspace::co_chair_page).post(workspace::co_chair),
        )
        .route(
            "/manage/organisations/{slug}/members/{person}/add-back",
            post(workspace::add_back),
        )
        .route(
            "/manage/organisations/{slug}/details",
            get(workspace::details).post(workspace::save_details),
        )
        .route(
            "/manage/organisations/{slug}/places",
            get(workspace::places).post(workspace::change_places),
        )
        .route(
            "/manage/organisations/{slug}/invitations/{id}/resend",
            post(workspace::resend_invitation),
        )
        .route(
            "/manage/organisations/{slug}/invitations/{id}/cancel",
            post(workspace::cancel_invitation),
        )
        .route(
            "/manage/organisations/{slug}/co-chair-requests/{id}/agree",
            post(workspace::agree_co_chair_change),
        )
        .route(
            "/manage/organisations/{slug}/co-chair-requests/{id}/decline",
            post(workspace::decline_co_chair_change),
        )
        .route(
            "/manage/organisations/{slug}/transfer",
            post(workspace::transfer),
        )
        .route("/manage/organisations/{slug}/leave", post(workspace::leave))
        .route("/manage/organisations/{slug}/framework", get(moving::show))
        .route(
            "/manage/organisations/{slug}/framework/move",
            post(moving::agree),
        )
        .route(
            "/manage/organisations/{slug}/partnerships",
            get(partnerships::show).post(partnerships::form_one),
        )
        .route(
            "/manage/organisations/{slug}/partnerships/invite",
            post(partnerships::invite),
        )
        .route(
            "/manage/organisations/{slug}/partnerships/{partnership}/answer",
            post(partnerships::answer),
        )
        .route(
            "/manage/organisations/{slug}/partnerships/{partnership}/withdraw",
            post(partnerships::withdraw),
        )
        .route(
            "/manage/organisations/{slug}/working-groups",
            get(working_groups::show).post(working_groups::form_one),
        )
        .route(
            "/manage/organisations/{slug}/working-groups/take",
            post(working_groups::take),
        )
        .route(
            "/manage/organisations/{slug}/reviews",
            get(reviews::list).post(reviews::open),
        )
        .route(
            "/manage/organisations/{slug}/reviews/cadence",
            post(reviews::cadence),
        )
        .route(
            "/manage/organisations/{slug}/reviews/anonymity",
            post(reviews::anonymity_threshold),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}",
            get(reviews::show),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/anonymous",
            post(reviews::anonymous),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/close",
            get(reviews::close_page).post(reviews::close),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/reopen",
            post(reviews::reopen),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}",
            get(reviews::answer_form::<{ reviews::BY_THEME }>)
                .post(reviews::answer_save::<{ reviews::BY_THEME }>),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}/print",
            get(reviews::print),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}",
            get(reviews::answer_form::<{ reviews::BY_STATEMENT }>)
                .post(reviews::answer_save::<{ reviews::BY_STATEMENT }>),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/position",
            post(reviews::position),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/confirm",
            post(reviews::confirm),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/markers",
            post(reviews::markers),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/markers/{number}/action",
            post(reviews::marker_action),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/workshop/{code}",
            get(reviews::workshop_form).post(reviews::workshop_save),
        )
        .route(
            "/manage/organisations/{slug}/reviews/{id}/summary",
            get(reviews::summary),
        )
        .route("/manage/organisations/{slug}/plan", get(plans::show))
        .route(
            "/manage/organisations/{slug}/plan/approve",
            post(plans::approve),
        )
        .route(
            "/manage/organisations/{slug}/plan/settings",
            post(plans::settings),
        )
        .route(
            "/manage/organisations/{slug}/plan/priorities/new",
            get(plans::new_priority).post(plans::create_priority),
        )
        .route(
            "/manage/organisations/{slug}/plan/priorities/{id}",
            get(plans::priority).post(plans::update_priority),
        )
        .route(
            "/manage/organisations/{slug}/plan/priorities/{id}/actions",
            post(plans::add_action),
        )
        .route(
            "/manage/organisations/{slug}/plan/priorities/{id}/updates",
            post(plans::add_update),
        )
        .route(
            "/manage/organisations/{slug}/plan/actions/{id}",
            get(plans::action).post(plans::update_action),
        )
        .route("/organisations", get(find::directory_page))
        .route("/search", get(find::search))
        .route("/compare", get(find::compare))
        .route("/stories", get(stories::list))
        .route("/stories/{id}", get(stories::show))
        .route(
            "/manage/organisations/{slug}/stories/new",
            get(stories::new).post(stories::publish),
        )
        .route("/map", get(find::map))
        .route("/map.csv", get(find::map_csv))
        .route("/areas/{code}", get(find::area))
        .route("/organisations/{slug}", get(plans::public))
        .route(
            "/organisations/{slug}/contact",
            get(relay::contact).post(relay::send),
        )
        .route("/report", get(relay::report).post(relay::send_report))
        .route("/organisations/{slug}/versions", get(plans::versions))
        .route(
            "/organisations/{slug}/evidence/{framework}",
            get(plans::evidence),
        )
        .route(
            "/organisations/{slug}/versions/{number}",
            get(plans::version),
        )
        .route("/organisations/{slug}/feed.atom", get(plans::feed))
        .route("/embed/organisations/{slug}", get(plans::embed))
        .route(
            "/invitations/{token}",
            get(workspace::invitation).post(workspace::accept),
        )
        .route("/admin", get(admin::home))
        .route("/admin/organisations", get(admin::organisations))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/people", get(admin::people))
        .route(
            "/admin/people/{id}/national-admin",
            post(admin::set_national_admin),
        )
        .route("/admin/organisations/{id}/approve", post(admin::approve))
        .route("/admin/organisations/{id}/decline", post(admin::decline))
        .route(
            "/admin/frameworks/new",
            get(admin::new)
                .post(admin::upload)
                .layer(DefaultBodyLimit::max(admin::UPLOAD_LIMIT_BYTES)),
        )
        .route("/admin/frameworks/uploads/{id}", get(admin::preview))
        .route(
            "/admin/frameworks/uploads/{id}/publish",
            post(admin::publish),
        )
        .route(
            "/admin/frameworks/uploads/{id}/easy-read",
            get(admin::easy_read_form).post(admin::easy_read_save),
        )
        .route(
            "/admin/frameworks/uploads/{id}/discard",
            post(admin::discard),
        )
        .route("/join", get(live::join_page).post(live::find))
        .route("/live/{code}", get(live::show))
        .route("/live/{code}/join", post(live::join))
        .route("/live/{code}/cards", post(live::add_card))
        .route(
            "/live/{code}/cards/{id}",
            get(live::edit_card_page).post(live::edit_card),
        )
        .route(
            "/live/{code}/cards/{id}/withdraw",
            post(live::withdraw_card),
        )
        .route("/live/{code}/dots", post(live::dot))
        .route("/live/{code}/projector", get(live::projector))
        .route("/live/{code}/qr.svg", get(live::qr))
        .route("/live/{code}/events", get(live::events))
        .route("/live/{code}/ranking", get(live::ranking))
        .route(
            "/manage/organisations/{slug}/sessions",
            get(live::sessions).post(live::create),
        )
        .route(
            "/manage/organisations/{slug}/sessions/retention",
            post(live::retention),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}",
            get(live::facilitate),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/state",
            post(live::change_state),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/kinds",
            post(live::kinds),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/keep",
            post(live::keep),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/cards",
            post(live::paper_card),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/groups",
            post(live::add_group),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/cards/{card}/group",
            post(live::move_card),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/cards/{card}/hide",
            post(live::hide_card),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/review",
            post(live::into_review),
        )
        .route(
            "/manage/organisations/{slug}/sessions/{id}/record",
            get(live::record),
        )
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/assets/{file}", get(assets::serve))
        .fallback(|| async { WebError::NotFound })
        .method_not_allowed_fallback(|| async { StatusCode::METHOD_NOT_ALLOWED });

    // Outermost first. A kept page for a visitor who is not signed in is answered before the
    // rest. Request ids come next so logs, error pages and responses share one.
    let layers = ServiceBuilder::new()
        .layer(kept_pages::KeptPagesLayer::new(state.clone()))
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
        // A span per request for debugging (`RUST_LOG=debug`); the access log line is written by
        // the metrics layer, which is cheaper than a span on every request.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get(crate::page::REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", |p| p.as_str());
                    tracing::debug_span!("request", method = %req.method(), route, request_id = id)
                })
                .on_response(DefaultOnResponse::new().level(Level::DEBUG))
                // Server errors are logged once, with their detail, by `error_pages`.
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(from_fn(metrics::middleware))
        // Kept pages and files are sent in the form already made; others are compressed by
        // the layer inside it.
        .layer(from_fn(crate::negotiate::middleware))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotKept)))
        .layer(from_fn_with_state(
            state.clone(),
            security_headers::middleware,
        ))
        .layer(from_fn(error_pages::middleware))
        .layer(CatchPanicLayer::custom(|_panic| {
            tracing::error!("a request handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response_ok()
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(CsrfLayer::new())
        .layer(from_fn_with_state(state.clone(), view_mode::middleware))
        .layer(from_fn_with_state(state.clone(), session::middleware))
        // Inside the session layer: it needs to know who is asking.
        .layer(from_fn_with_state(state.clone(), changes::middleware))
        .layer(from_fn_with_state(state.clone(), csrf::middleware))
        // After the session: it needs to know who is asking.
        .layer(from_fn_with_state(state.clone(), sign_in_first::middleware));

    routes
        .layer(layers)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
}

/// Request ids made by [`crate::page::new_request_id`].
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        crate::page::new_request_id().map(RequestId::new)
    }
}

trait IntoResponseOk {
    fn into_response_ok(self) -> axum::response::Response;
}

impl IntoResponseOk for StatusCode {
    fn into_response_ok(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}
