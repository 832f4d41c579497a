//! Sotto's end-to-end tests: the built extension, loaded unpacked into real headless Chromium.
//! Each test gets its own browser and profile; at most `SOTTO_E2E_BROWSERS` (default 2) run at once.

mod harness;
mod spine;
mod worker;
mod lock_and_vanish;
mod lock_at_once;
mod options;
mod popup;
mod adversarial;
mod senders;
mod bench;
