//! The end-to-end harness: the built extension in real Chromium, driven as a person would.
//!
//! ```ignore
//! let browser = Browser::launch();
//! let popup = browser.open_extension_page("popup.html");
//! popup.click("button", "Unlock");
//! popup.wait_for_text("Your journal is open.");
//! browser.assert_no_context_errors();
//! ```

pub mod browser;
pub mod cdp;
pub mod npm;
pub mod page;
pub mod variant;

#[allow(unused_imports)]
pub use browser::{wait_for_download, Browser, LaunchOptions, EXTENSION_DIR};
#[allow(unused_imports)]
pub use npm::NpmPackage;
#[allow(unused_imports)]
pub use page::{Page, WAIT};
#[allow(unused_imports)]
pub use variant::{copy_dir, extension_variant};
