//! Sotto's end-to-end tests: the built extension, loaded unpacked into real headless Chromium.
//! Each test gets its own browser and profile; at most `SOTTO_E2E_BROWSERS` (default 2) are busy at
//! once (a test waiting for the clock lends its place: `Browser::lend_slot_while`).

mod harness;
mod spine;
mod worker;
mod lock_and_vanish;
mod lock_at_once;
mod lock_after_write;
mod secrets_wiped;
mod options;
mod report;
mod popup;
mod adversarial;
mod senders;
mod bench;
