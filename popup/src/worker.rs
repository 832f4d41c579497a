//! Asking the worker, with every way it can go wrong turned into words for the user.

use crate::i18n::t;
use sotto_glue::client::{answer_to, ask, ClientError};
use sotto_glue::protocol::{ErrorCode, Request, Response, Wording};
use sotto_glue::wording::{client_error_text, localized};

/// A request that did not get the answer the popup wanted.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The journal is locked (auto-lock, or locked from another page): show the lock screen.
    Locked,
    /// The worker refused, with its own code and words: `wording` in the user's language,
    /// `message` in English when the locale lacks it.
    Refused { code: ErrorCode, message: String, wording: Wording },
    /// No answer, or one the popup cannot read; already in words.
    Broken(String),
}

impl Failure {
    /// What to tell the user.
    pub fn text(&self) -> String {
        match self {
            Failure::Locked => t("popup_locked_meanwhile"),
            Failure::Refused { message, wording, .. } => localized(wording, message),
            Failure::Broken(why) => why.clone(),
        }
    }
}

/// Sends `request`; an `Error` or `Locked` answer becomes a [`Failure`].
pub async fn call(request: Request) -> Result<Response, Failure> {
    failure_of(ask(request).await)
}

/// The answer to a request `popup-first.js` sent before the Wasm ran, read as [`call`] reads one.
pub async fn answer_of(sent: js_sys::Promise) -> Result<Response, Failure> {
    failure_of(answer_to(sent).await)
}

fn failure_of(answer: Result<Response, ClientError>) -> Result<Response, Failure> {
    match answer {
        Ok(Response::Locked) => Err(Failure::Locked),
        Ok(Response::Error { code, message, key, args }) => Err(Failure::Refused { code, message, wording: Wording { key, args } }),
        Ok(answer) => Ok(answer),
        Err(e) => Err(Failure::Broken(client_error_text(&e))),
    }
}

/// The promise of the worker's answer to the first question, which `popup-first.js` asked while
/// the page loaded (`self.sottoFirst`), taken once; `None` when it did not run.
pub fn take_first_question() -> Option<js_sys::Promise> {
    crate::dom::take_promise("sottoFirst")
}

/// An answer of a shape this request never gets: a worker from another version.
pub fn unexpected() -> Failure {
    Failure::Broken(t("popup_unexpected_answer"))
}
