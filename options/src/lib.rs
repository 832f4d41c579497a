//! Sotto's options page: history, settings, export. It talks only to the worker.

use sotto_glue::chrome::message;
use sotto_glue::client::ask;
use sotto_glue::protocol::{Request, Response, VaultState};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    let state = use_state(|| None::<Result<VaultState, String>>);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let answer = match ask(Request::Status).await {
                    Ok(Response::Status { state }) => Ok(state),
                    Ok(other) => Err(format!("unexpected answer: {other:?}")),
                    Err(e) => Err(e.to_string()),
                };
                state.set(Some(answer));
            });
        });
    }
    let body = match &*state {
        None => html! { <p>{ message("popup_connecting", &[]) }</p> },
        Some(Ok(VaultState::NoVault)) => html! { <p data-testid="vault-state">{ message("state_no_vault", &[]) }</p> },
        Some(Ok(VaultState::Locked)) => html! { <p data-testid="vault-state">{ message("state_locked", &[]) }</p> },
        Some(Ok(VaultState::Unlocked)) => html! { <p data-testid="vault-state">{ message("state_unlocked", &[]) }</p> },
        Some(Err(why)) => html! { <p class="error" role="alert">{ why.clone() }</p> },
    };
    html! {
        <main aria-live="polite">
            <h1>{ message("options_title", &[]) }</h1>
            { body }
        </main>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        yew::Renderer::<App>::with_root(root).render();
    }
}
