//! What every section shares: localised text, asking the worker, vocabulary labels.

use sotto_glue::chrome::message;
use sotto_glue::client::ask;
use sotto_glue::protocol::{ErrorCode, Request, Response, Wording};
use sotto_glue::wording::{client_error_text, localized};
pub use sotto_glue::words::{quality_label, region_label};
use yew::{Callback, Html, html};

/// The localised text for `key` (an `options_*` message).
pub fn t(key: &str) -> String {
    message(key, &[])
}

/// The localised text for `key` with `$1`… substitutions.
pub fn tf(key: &str, subs: &[&str]) -> String {
    message(key, subs)
}

/// What a section gets back from the worker, with the two answers every section treats alike
/// already handled: `Locked` (the page shows its lock screen) and unreachable (a sentence).
#[allow(clippy::large_enum_variant, reason = "one answer per request, matched at once: boxing the response would buy nothing")]
pub enum Answer {
    Got(Response),
    Locked,
    /// The worker refused, or could not be reached; `text` is for the user.
    Failed { text: String },
}

/// The sentence for a refusal: ours for the codes a person can act on, else the worker's (in
/// the user's language when the locale has its wording, else its English).
pub fn error_text(code: ErrorCode, worker_message: String, wording: Wording) -> String {
    match code {
        ErrorCode::WrongPassphrase => t("options_error_wrong_passphrase"),
        ErrorCode::Conflict => t("options_error_conflict"),
        ErrorCode::StorageFull => t("options_error_storage_full"),
        _ => localized(&wording, &worker_message),
    }
}

/// Asks the worker; a `Locked` answer also calls `on_locked`.
pub async fn request(request: Request, on_locked: &Callback<()>) -> Answer {
    match ask(request).await {
        Ok(Response::Locked) => {
            on_locked.emit(());
            Answer::Locked
        }
        Ok(Response::Error { code, message, key, args }) => Answer::Failed { text: error_text(code, message, Wording { key, args }) },
        Ok(response) => Answer::Got(response),
        Err(error) => Answer::Failed { text: client_error_text(&error) },
    }
}

/// "30.1 MB" style sizes.
pub fn megabytes(bytes: u64) -> String {
    crate::chart_data::one_decimal(bytes as f64 / 1_000_000.0)
}

/// The text for an answer nobody expected (a bug, or a worker from another version).
pub fn unexpected(response: &Response) -> String {
    tf("options_error_unexpected", &[&format!("{response:?}").chars().take(80).collect::<String>()])
}

/// What a finished action says: a success read out politely, a failure as an alert.
pub fn outcome_view(outcome: &Option<Result<String, String>>) -> Html {
    match outcome {
        None => html! {},
        Some(Ok(text)) => html! { <p class="success" role="status">{ text.clone() }</p> },
        Some(Err(text)) => html! { <p class="error" role="alert">{ text.clone() }</p> },
    }
}
