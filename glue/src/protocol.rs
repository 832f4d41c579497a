//! The message protocol between Sotto's pages (popup, options) and its service worker.
//!
//! Every message travels as an [`Envelope`] carrying [`PROTOCOL_VERSION`], so a page left open
//! across an extension update gets a clear "reload" answer instead of a misread message.
//! Requests and responses are one enum each, tagged by `type` in `snake_case`.
//! Key material never appears in any variant: pages ask, the worker answers with results.

use serde::{Deserialize, Serialize};

/// Bumped whenever a request or response changes shape incompatibly.
pub const PROTOCOL_VERSION: u32 = 1;

/// What travels over `chrome.runtime.sendMessage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The protocol version the sender speaks.
    pub v: u32,
    /// The request or response.
    pub body: T,
}

impl<T> Envelope<T> {
    /// Wraps a body in the current protocol version.
    pub fn new(body: T) -> Self {
        Envelope { v: PROTOCOL_VERSION, body }
    }
}

/// A page's question to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Liveness check: the worker echoes `nonce` back.
    Ping { nonce: String },
    /// Is there a vault, and is it unlocked?
    Status,
}

/// Whether a vault exists and whether the worker holds its key right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaultState {
    /// No journal has been set up in this browser profile yet.
    NoVault,
    /// A journal exists; the worker holds no key.
    Locked,
    /// The worker holds the session key.
    Unlocked,
}

/// The worker's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// Answer to [`Request::Ping`].
    Pong {
        nonce: String,
        /// The extension version the worker runs (from the manifest).
        worker_version: String,
    },
    /// Answer to [`Request::Status`].
    Status { state: VaultState },
    /// The request needs an unlocked vault; the page should show its lock screen.
    Locked,
    /// The request failed; `message` is written for the user.
    Error { code: ErrorCode, message: String },
}

/// Why a request failed, for pages that react differently to different failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The message could not be read (wrong shape): a bug, or a page from another version.
    BadRequest,
    /// The page speaks another protocol version: reloading it fixes this.
    VersionMismatch,
    /// The sender is not one of this extension's own pages.
    Forbidden,
    /// Anything else; the message says what.
    Internal,
}

/// Checks an incoming envelope's version, so the worker answers a stale page clearly.
pub fn check_version<T>(envelope: &Envelope<T>) -> Result<(), Response> {
    if envelope.v == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(Response::Error {
            code: ErrorCode::VersionMismatch,
            message: format!(
                "This page speaks Sotto protocol {} but the extension speaks {}: close and reopen it.",
                envelope.v, PROTOCOL_VERSION
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_use_a_stable_tagged_json_shape() {
        let json = serde_json::to_value(Envelope::new(Request::Ping { nonce: "n1".into() })).unwrap();
        assert_eq!(json, serde_json::json!({"v": PROTOCOL_VERSION, "body": {"type": "ping", "nonce": "n1"}}));
        let status: Envelope<Request> = serde_json::from_value(serde_json::json!({"v": 1, "body": {"type": "status"}})).unwrap();
        assert_eq!(status.body, Request::Status);
    }

    #[test]
    fn responses_round_trip() {
        for response in [
            Response::Pong { nonce: "x".into(), worker_version: "0.1.0".into() },
            Response::Status { state: VaultState::Locked },
            Response::Locked,
            Response::Error { code: ErrorCode::Forbidden, message: "no".into() },
        ] {
            let text = serde_json::to_string(&Envelope::new(response.clone())).unwrap();
            let back: Envelope<Response> = serde_json::from_str(&text).unwrap();
            assert_eq!(back.body, response);
        }
    }

    #[test]
    fn unknown_request_types_are_rejected_not_guessed() {
        let result: Result<Envelope<Request>, _> =
            serde_json::from_value(serde_json::json!({"v": 1, "body": {"type": "export_everything"}}));
        assert!(result.is_err());
    }

    #[test]
    fn a_stale_page_gets_a_version_mismatch_answer() {
        let stale = Envelope { v: PROTOCOL_VERSION + 1, body: Request::Status };
        match check_version(&stale) {
            Err(Response::Error { code: ErrorCode::VersionMismatch, message }) => assert!(message.contains("reopen")),
            other => panic!("expected a version mismatch, got {other:?}"),
        }
        assert!(check_version(&Envelope::new(Request::Status)).is_ok());
    }
}
