//! First run: choose a passphrase and create the journal.

use crate::dom::{focus_within, mark_ready};
use crate::form::Draft;
use crate::i18n::{t, t1};
use crate::passphrase::{problem, PassphraseFields};
use crate::worker::{call, unexpected};
use sotto_glue::protocol::{Request, Response};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    /// The journal exists and is unlocked; here is its recovery code, to show once.
    pub on_created: Callback<String>,
}

#[component(Setup)]
pub fn setup(props: &SetupProps) -> Html {
    let passphrase = use_state(String::new);
    let confirm = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let section = use_node_ref();
    {
        let section = section.clone();
        use_effect_with((), move |_| {
            focus_within(&section, "input");
            mark_ready();
        });
    }

    let on_submit = {
        let (passphrase, confirm, busy, error) = (passphrase.clone(), confirm.clone(), busy.clone(), error.clone());
        let on_created = props.on_created.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if let Some(key) = problem(&passphrase, &confirm) {
                error.set(Some(t(key)));
                return;
            }
            busy.set(true);
            error.set(None);
            let (request, busy, error, on_created) =
                (Request::CreateVault { passphrase: (*passphrase).clone().into() }, busy.clone(), error.clone(), on_created.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call(request).await {
                    Ok(Response::Created { recovery_code }) => {
                        // Kept in the worker's memory until confirmed, so closing the popup
                        // (any click outside it) cannot lose the one chance to write it down.
                        let pending = Draft::RecoveryPending { recovery_code: recovery_code.clone() };
                        let _ = call(Request::SetDraft { draft: pending.to_json() }).await;
                        on_created.emit(recovery_code);
                    }
                    Ok(_) => {
                        busy.set(false);
                        error.set(Some(t1("popup_create_failed", &unexpected().text())));
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(t1("popup_create_failed", &failure.text())));
                    }
                }
            });
        })
    };

    html! {
        <section class="screen" ref={section} aria-labelledby="setup-title">
            <h2 id="setup-title">{ t("popup_setup_title") }</h2>
            <p class="lead">{ t("state_no_vault") }{ " " }{ t("popup_setup_intro") }</p>
            <form onsubmit={on_submit} novalidate=true>
                <PassphraseFields id="new-passphrase" label={t("popup_choose_passphrase")}
                    value={(*passphrase).clone()} confirm={(*confirm).clone()}
                    on_value={Callback::from({ let p = passphrase.clone(); move |v| p.set(v) })}
                    on_confirm={Callback::from({ let c = confirm.clone(); move |v| c.set(v) })} />
                <p class="warning">{ t("popup_setup_no_way_back") }</p>
                <p class="error" role="alert">{ (*error).clone().unwrap_or_default() }</p>
                <button type="submit" class="primary" aria-disabled={busy.to_string()}>
                    if *busy {
                        <span class="spinner" aria-hidden="true"></span>{ t("popup_creating") }
                    } else {
                        { t("popup_create_journal") }
                    }
                </button>
            </form>
        </section>
    }
}
