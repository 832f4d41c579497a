//! Sotto's browser glue, shared by the popup, the options page and the service worker.
//!
//! - [`protocol`]: the versioned messages between extension pages and the worker. Pure serde,
//!   so it is tested natively.
//! - [`chrome`]: typed bindings to the few `chrome.*` APIs Sotto uses. They compile on every
//!   target (so the workspace tests natively) but only work inside the extension.
//! - [`client`]: how a page asks the worker something.
//! - [`storage`]: `chrome.storage` as the vault's key-value store (used by the worker only).
//! - [`events`]: how a page hears the worker's broadcasts ("locked", "vanished").
//! - [`sender`]: who sent a message: Sotto's own pages and worker, or anyone else.
//! - [`secret`]: passphrases and recovery codes in requests, wiped when dropped.
//! - [`wording`]: the worker's words (a [`protocol::Wording`]) in the page's language.
//! - [`vanish`]: Shift ×3 in any Sotto page, and closing the page when Vanish runs.
//! - [`words`]: an entry's words as both pages show and read them (vocabulary names, lists).

pub mod chrome;
pub mod client;
pub mod events;
pub mod protocol;
pub mod secret;
pub mod sender;
pub mod storage;
pub mod tagged;
pub mod vanish;
pub mod wording;
pub mod words;
