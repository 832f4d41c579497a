//! The bar on every screen: the name, and the ways out (History, Lock, Vanish).

use crate::i18n::t;
use crate::worker::call;
use sotto_glue::chrome;
use sotto_glue::protocol::{Request, Response};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    pub on_vanish: Callback<()>,
    /// Present while the journal is open.
    pub on_lock: Option<Callback<()>>,
    /// Show the link to the options page (history and settings).
    pub history: bool,
}

/// Lock, discard drafts and close every Sotto page (the worker does it all). If the worker cannot
/// vanish, it is at least asked to lock; the popup closes either way, because the person pressing
/// Vanish needs the screen clear now, not an error message.
pub async fn vanish() {
    if !matches!(call(Request::Vanish).await, Ok(Response::Done)) {
        let _ = call(Request::Lock).await;
    }
    if let Some(window) = web_sys::window() {
        let _ = window.close();
    }
}

#[component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let open_history = Callback::from(|_: MouseEvent| {
        // The popup closes by itself when the options tab takes focus.
        wasm_bindgen_futures::spawn_local(async {
            let _ = chrome::open_options_page().await;
        });
    });
    let vanish = props.on_vanish.reform(|_: MouseEvent| ());
    html! {
        <header class="topbar">
            <h1 class="brand">{ t("app_name") }</h1>
            <div class="topbar-actions">
                if props.history {
                    <button type="button" class="quiet" onclick={open_history}>{ t("popup_history") }</button>
                }
                if let Some(lock) = &props.on_lock {
                    <button type="button" class="quiet" onclick={lock.reform(|_: MouseEvent| ())}>{ t("popup_lock") }</button>
                }
                <button type="button" class="vanish" title={t("popup_vanish_hint")} onclick={vanish}>{ t("popup_vanish") }</button>
            </div>
        </header>
    }
}
