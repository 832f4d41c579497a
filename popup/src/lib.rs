//! Sotto's popup: the quick log. It talks only to the worker, through `sotto_glue::client`.

use sotto_glue::chrome::message;
use sotto_glue::client::ask;
use sotto_glue::protocol::{Request, Response, VaultState};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// What the popup knows about the worker, owned in one place.
#[derive(Clone, PartialEq)]
enum WorkerView {
    Connecting,
    Ready { version: String, state: VaultState },
    Failed(String),
}

async fn connect() -> WorkerView {
    let nonce = format!("{}", js_sys_random());
    let version = match ask(Request::Ping { nonce: nonce.clone() }).await {
        Ok(Response::Pong { nonce: echoed, worker_version }) if echoed == nonce => worker_version,
        Ok(other) => return WorkerView::Failed(format!("unexpected answer: {other:?}")),
        Err(e) => return WorkerView::Failed(e.to_string()),
    };
    match ask(Request::Status).await {
        Ok(Response::Status { state }) => WorkerView::Ready { version, state },
        Ok(other) => WorkerView::Failed(format!("unexpected answer: {other:?}")),
        Err(e) => WorkerView::Failed(e.to_string()),
    }
}

fn js_sys_random() -> u64 {
    // A per-open nonce only proves the answer is to this request; it is not a secret.
    (web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0) * 1000.0) as u64
}

#[function_component(App)]
fn app() -> Html {
    let view = use_state(|| WorkerView::Connecting);
    {
        let view = view.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { view.set(connect().await) });
        });
    }
    let status = match &*view {
        WorkerView::Connecting => html! { <p class="status">{ message("popup_connecting", &[]) }</p> },
        WorkerView::Ready { version, state } => {
            let state_text = match state {
                VaultState::NoVault => message("state_no_vault", &[]),
                VaultState::Locked => message("state_locked", &[]),
                VaultState::Unlocked => message("state_unlocked", &[]),
            };
            html! {
                <>
                    <p class="status" data-testid="worker-status">{ message("popup_worker_ready", &[version]) }</p>
                    <p class="status">{ state_text }</p>
                </>
            }
        }
        WorkerView::Failed(why) => html! { <p class="error" role="alert">{ why.clone() }</p> },
    };
    html! {
        <main aria-live="polite">
            <h1>{ message("app_name", &[]) }</h1>
            { status }
        </main>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    sotto_glue::vanish::install(); // Shift ×3 vanishes; the page closes when Vanish runs (worker, issue 4)
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        yew::Renderer::<App>::with_root(root).render();
    }
}
