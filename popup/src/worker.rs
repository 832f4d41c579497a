//! Asking the worker, with every way it can go wrong turned into words for the user.

use crate::i18n::t;
use sotto_glue::client::ask;
use sotto_glue::protocol::{ErrorCode, Request, Response};

/// A request that did not get the answer the popup wanted.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The journal is locked (auto-lock, or locked from another page): show the lock screen.
    Locked,
    /// The worker refused, with its own code and words.
    Refused { code: ErrorCode, message: String },
    /// No answer, or one the popup cannot read; already in words.
    Broken(String),
}

impl Failure {
    /// What to tell the user.
    pub fn text(&self) -> String {
        match self {
            Failure::Locked => t("popup_locked_meanwhile"),
            Failure::Refused { message, .. } => message.clone(),
            Failure::Broken(why) => why.clone(),
        }
    }
}

/// Sends `request`; an `Error` or `Locked` answer becomes a [`Failure`].
pub async fn call(request: Request) -> Result<Response, Failure> {
    match ask(request).await {
        Ok(Response::Locked) => Err(Failure::Locked),
        Ok(Response::Error { code, message }) => Err(Failure::Refused { code, message }),
        Ok(answer) => Ok(answer),
        Err(e) => Err(Failure::Broken(e.to_string())),
    }
}

/// An answer of a shape this request never gets: a worker from another version.
pub fn unexpected() -> Failure {
    Failure::Broken(t("popup_unexpected_answer"))
}
