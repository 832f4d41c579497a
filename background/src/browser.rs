//! The `chrome.*` calls only the worker makes (alarms, idle, context menus, tabs, contexts,
//! toolbar button, session storage), as thin bindings. Promise-returning ones become
//! `async fn`s returning `Result<_, String>`: the caller decides what a failure means.

use js_sys::{Function, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = setAccessLevel, catch)]
    fn session_set_access_level(options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    fn session_get(key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    fn session_set(items: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = remove, catch)]
    fn session_remove(key: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    fn local_get(key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    fn local_set(items: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    fn alarms_clear(name: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "idle"], js_name = setDetectionInterval, catch)]
    fn idle_set_detection_interval(seconds: u32) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = removeAll, catch)]
    fn context_menus_remove_all() -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = create, catch)]
    fn context_menus_create(properties: &JsValue, done: &Function) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = query, catch)]
    fn tabs_query(query: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = update, catch)]
    fn tabs_update(tab_id: i32, properties: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = get, catch)]
    fn tabs_get(tab_id: i32) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = create, catch)]
    fn tabs_create(properties: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = remove, catch)]
    fn tabs_remove(tab_ids: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getContexts, catch)]
    fn runtime_get_contexts(filter: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    fn runtime_send_message(message: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    fn runtime_get_manifest() -> JsValue;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setTitle, catch)]
    fn action_set_title(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setIcon, catch)]
    fn action_set_icon(details: &JsValue) -> Result<Promise, JsValue>;
}

/// A JS value from any serializable Rust value (plain objects, not Maps).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

pub fn error_text(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, String> {
    let promise = promise.map_err(|e| error_text(&e))?;
    JsFuture::from(promise).await.map_err(|e| error_text(&e))
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn one_item(key: &str, value: &JsValue) -> JsValue {
    let items = js_sys::Object::new();
    let _ = Reflect::set(&items, &JsValue::from_str(key), value);
    items.into()
}

/// `chrome.storage.session` readable by the extension's own pages and worker only, never by
/// content scripts (`TRUSTED_CONTEXTS`, Chrome's default, set explicitly so it never drifts).
pub async fn restrict_session_storage() -> Result<(), String> {
    settle(session_set_access_level(&to_js(&serde_json::json!({"accessLevel": "TRUSTED_CONTEXTS"})))).await.map(|_| ())
}

pub async fn session_read(key: &str) -> Result<JsValue, String> {
    Ok(field(&settle(session_get(key)).await?, key))
}

pub async fn session_write(key: &str, value: &JsValue) -> Result<(), String> {
    settle(session_set(&one_item(key, value))).await.map(|_| ())
}

pub async fn session_delete(key: &str) -> Result<(), String> {
    settle(session_remove(key)).await.map(|_| ())
}

pub async fn local_read(key: &str) -> Result<JsValue, String> {
    Ok(field(&settle(local_get(key)).await?, key))
}

pub async fn local_write(key: &str, value: &JsValue) -> Result<(), String> {
    settle(local_set(&one_item(key, value))).await.map(|_| ())
}

/// One alarm at an absolute time (UTC ms); an alarm of the same name is replaced.
pub async fn set_alarm(name: &str, when_ms: i64) -> Result<(), String> {
    settle(alarms_create(name, &to_js(&serde_json::json!({"when": when_ms as f64})))).await.map(|_| ())
}

pub async fn clear_alarm(name: &str) -> Result<(), String> {
    settle(alarms_clear(name)).await.map(|_| ())
}

pub fn set_idle_detection(seconds: u32) -> Result<(), String> {
    idle_set_detection_interval(seconds).map_err(|e| error_text(&e))
}

/// Replaces every context-menu item of ours with `item` (or none).
pub async fn set_context_menu(item: Option<(&str, &str)>) -> Result<(), String> {
    settle(context_menus_remove_all()).await?;
    let Some((id, title)) = item else { return Ok(()) };
    let properties = to_js(&serde_json::json!({"id": id, "title": title, "contexts": ["all"]}));
    // `create` reports failure through `runtime.lastError` in its callback only: read it there,
    // so that Chrome never logs it as unchecked.
    let (sender, receiver) = futures_channel_oneshot();
    let done = Closure::once_into_js(move || {
        let runtime = field(&field(&js_sys::global(), "chrome"), "runtime");
        let last_error = field(&field(&runtime, "lastError"), "message").as_string();
        let _ = sender.send(last_error);
    });
    context_menus_create(&properties, done.unchecked_ref()).map_err(|e| error_text(&e))?;
    match receiver.await {
        Ok(Some(message)) => Err(message),
        _ => Ok(()),
    }
}

fn futures_channel_oneshot() -> (futures_channel::oneshot::Sender<Option<String>>, futures_channel::oneshot::Receiver<Option<String>>) {
    futures_channel::oneshot::channel()
}

/// The id of the active tab of the last focused window (no `tabs` permission needed for the id).
pub async fn active_tab_id() -> Result<Option<i32>, String> {
    let tabs = settle(tabs_query(&to_js(&serde_json::json!({"active": true, "lastFocusedWindow": true})))).await?;
    Ok(js_sys::Array::from(&tabs).iter().next().and_then(|tab| tab_id(&tab)))
}

/// A `tabs.Tab`'s id, if it is a real tab (`TAB_ID_NONE` is -1).
pub fn tab_id(tab: &JsValue) -> Option<i32> {
    field(tab, "id").as_f64().map(|id| id as i32).filter(|&id| id >= 0)
}

/// Opens `url` in a new, active tab at the place of `tab_id` (same window, same position), or in
/// the last focused window when that tab is already gone. `tabs.get` and `tabs.create` need no
/// `tabs` permission for this.
pub async fn open_tab_in_place_of(tab_id: i32, url: &str) -> Result<(), String> {
    let mut properties = serde_json::json!({"url": url, "active": true});
    if let Ok(tab) = settle(tabs_get(tab_id)).await
        && let (Some(window_id), Some(index)) = (field(&tab, "windowId").as_f64(), field(&tab, "index").as_f64())
    {
        properties["windowId"] = serde_json::json!(window_id);
        properties["index"] = serde_json::json!(index);
    }
    settle(tabs_create(&to_js(&properties))).await.map(|_| ())
}

pub async fn navigate_tab(tab_id: i32, url: &str) -> Result<(), String> {
    settle(tabs_update(tab_id, &to_js(&serde_json::json!({"url": url})))).await.map(|_| ())
}

/// Closes each tab on its own: `tabs.remove` with a list fails whole when one tab is already
/// gone (a Sotto page may close itself first), and every other tab must still close.
pub async fn close_tabs(tab_ids: &[i32]) -> Result<(), String> {
    let closing = tab_ids.iter().map(|&id| async move { settle(tabs_remove(&JsValue::from(id))).await });
    let failures: Vec<String> = futures_util::future::join_all(closing)
        .await
        .into_iter()
        .filter_map(Result::err)
        // Closed already (by itself): that is what we wanted.
        .filter(|why| !why.starts_with("No tab with id"))
        .collect();
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}

/// The tab ids of every open Sotto page shown in a tab (`runtime.getContexts`).
pub async fn own_page_tabs() -> Result<Vec<i32>, String> {
    let contexts = settle(runtime_get_contexts(&to_js(&serde_json::json!({"contextTypes": ["TAB"]})))).await?;
    let mut ids: Vec<i32> = js_sys::Array::from(&contexts).iter().filter_map(|c| field(&c, "tabId").as_f64()).map(|id| id as i32).filter(|&id| id >= 0).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Sends `message` to every open extension page. No page open is not an error.
pub async fn broadcast(message: &JsValue) {
    if let Ok(promise) = runtime_send_message(message) {
        // "Receiving end does not exist" just means no page is open to hear it.
        let _ = JsFuture::from(promise).await;
    }
}

/// Sets the toolbar button's title, or restores the manifest's when `None`.
pub async fn set_action_title(title: Option<&str>) -> Result<(), String> {
    let title = match title {
        Some(t) => t.to_string(),
        None => sotto_glue::chrome::message("action_title", &[]),
    };
    settle(action_set_title(&to_js(&serde_json::json!({"title": title})))).await.map(|_| ())
}

/// Sets the toolbar icon from extension paths by size, or restores the manifest's
/// `action.default_icon` when `None` (nothing to restore if the manifest has none).
pub async fn set_action_icon(paths: Option<&[(u32, &str)]>) -> Result<(), String> {
    let path = match paths {
        Some(paths) => {
            let object = js_sys::Object::new();
            for (size, path) in paths {
                let _ = Reflect::set(&object, &JsValue::from_str(&size.to_string()), &JsValue::from_str(path));
            }
            JsValue::from(object)
        }
        None => {
            let default_icon = field(&field(&runtime_get_manifest(), "action"), "default_icon");
            if default_icon.is_undefined() || default_icon.is_null() {
                return Ok(());
            }
            default_icon
        }
    };
    let details = js_sys::Object::new();
    let _ = Reflect::set(&details, &JsValue::from_str("path"), &path);
    settle(action_set_icon(&details.into())).await.map(|_| ())
}
