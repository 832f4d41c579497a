//! The few browser facilities the options page needs beyond Yew: the clock and the local UTC
//! offset, dates in the user's locale, saving a file (a Blob download: no `downloads`
//! permission), reading a chosen file, printing.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::dates::MS_PER_DAY;

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Minutes east of UTC now, as entries store it.
pub fn local_offset_minutes() -> i16 {
    -(js_sys::Date::new_0().get_timezone_offset() as i16)
}

/// Today's local day number.
pub fn today() -> i64 {
    sotto_vault::calendar::local_day(now_ms(), local_offset_minutes())
}

fn locale_date(day: i64, options: &[(&str, &str)]) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64((day * MS_PER_DAY) as f64));
    let opts = js_sys::Object::new();
    // The day number is a calendar date, not an instant: format it in UTC so no offset moves it.
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &"UTC".into());
    for (k, v) in options {
        let _ = js_sys::Reflect::set(&opts, &(*k).into(), &(*v).into());
    }
    date.to_locale_date_string(&ui_language(), &opts).into()
}

/// The browser's UI language (what chrome.i18n uses), for dates that match the page's words.
pub fn ui_language() -> String {
    web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_else(|| "en".into())
}

/// "23 Nov 2026, 14:05": an instant in the user's time zone and locale.
pub fn date_time(ms: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    date.to_locale_string(&ui_language(), &opts).into()
}

/// "3 Jan 2025" (in the user's locale's order).
pub fn short_date(day: i64) -> String {
    locale_date(day, &[("day", "numeric"), ("month", "short"), ("year", "numeric")])
}

/// "Monday 23 November 2026" (in the user's locale's order).
pub fn long_date(day: i64) -> String {
    locale_date(day, &[("weekday", "long"), ("day", "numeric"), ("month", "long"), ("year", "numeric")])
}

/// "23 Nov" for chart axes.
pub fn axis_date(day: i64) -> String {
    locale_date(day, &[("day", "numeric"), ("month", "short")])
}

/// Offers `parts` (concatenated) to the user as a download named `file_name`.
pub fn save_file(parts: &[Vec<u8>], mime: &str, file_name: &str) -> Result<(), String> {
    let sequence = Array::new();
    for part in parts {
        sequence.push(&Uint8Array::from(part.as_slice()));
    }
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&sequence, &bag).map_err(js_text)?;
    save_blob(&blob, file_name)
}

/// A `fetch` of this extension's own origin, answered by its worker (never the network: the
/// CSP allows nothing else). `init` is for a `POST`.
async fn fetch_own(path: &str, init: Option<&web_sys::RequestInit>) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(path, init),
        None => window.fetch_with_str(path),
    };
    JsFuture::from(promise).await.map_err(js_text)?.dyn_into().map_err(|_| "not a response".into())
}

/// The body at `path` of the extension's own origin, as a Blob (the bytes never enter Wasm).
pub async fn fetch_own_blob(path: &str) -> Result<web_sys::Blob, String> {
    let response = fetch_own(path, None).await?;
    if !response.ok() {
        return Err(format!("status {}", response.status()));
    }
    JsFuture::from(response.blob().map_err(js_text)?).await.map_err(js_text)?.dyn_into().map_err(|_| "not a blob".into())
}

/// Sends `file` as the body of a `POST` to `path` of the extension's own origin; whether the
/// worker accepted it (204).
pub async fn post_own_file(path: &str, file: &web_sys::File) -> Result<bool, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(file);
    Ok(fetch_own(path, Some(&init)).await?.status() == 204)
}

/// Offers `blob` to the user as a download named `file_name`.
pub fn save_blob(blob: &web_sys::Blob, file_name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(js_text)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").map_err(js_text)?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The download has taken its copy once the click is handled; free the Blob a little later.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// The browser's print dialog (which offers "Save as PDF").
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

pub fn js_text(value: JsValue) -> String {
    js_sys::Reflect::get(&value, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The value of the input/select/textarea an event came from.
pub fn event_value(event: &web_sys::Event) -> String {
    let Some(target) = event.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return area.value();
    }
    String::new()
}

/// Whether the checkbox an event came from is checked.
pub fn event_checked(event: &web_sys::Event) -> bool {
    event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// The first file chosen in the file input an event came from.
pub fn event_file(event: &web_sys::Event) -> Option<web_sys::File> {
    event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?.files()?.get(0)
}
