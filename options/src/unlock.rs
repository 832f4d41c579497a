//! The lock screen: the passphrase goes to the worker, which alone derives the key.

use sotto_glue::protocol::{Request, Response};
use sotto_glue::wording::problem_texts;
use yew::prelude::*;

use crate::ui::{Answer, request, t, tf};
use crate::web::event_value;

#[derive(Clone, PartialEq, Properties)]
pub struct UnlockProps {
    /// Unlocked: what the user must be told at once (failed attempts, damage found), maybe nothing.
    pub on_unlocked: Callback<Vec<String>>,
}

/// The sentences to show after an unlock: failed attempts first (someone tried this journal),
/// then whatever damage or tampering the worker found (nothing was lost, but the user must know).
fn notices(failed_attempts: &[i64], problems: Vec<String>) -> Vec<String> {
    let attempts = match failed_attempts {
        [] => None,
        times => {
            let list = times.iter().map(|&at| crate::web::date_time(at)).collect::<Vec<_>>().join(", ");
            Some(if times.len() == 1 {
                tf("popup_failed_attempts_one", &[&list])
            } else {
                tf("popup_failed_attempts_many", &[&times.len().to_string(), &list])
            })
        }
    };
    attempts.into_iter().chain(problems).collect()
}

#[function_component(UnlockForm)]
pub fn unlock_form(props: &UnlockProps) -> Html {
    let passphrase = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<String>);
    let oninput = {
        let passphrase = passphrase.clone();
        Callback::from(move |e: InputEvent| passphrase.set(event_value(&e)))
    };
    let onsubmit = {
        let (passphrase, busy, problem, on_unlocked) = (passphrase.clone(), busy.clone(), problem.clone(), props.on_unlocked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (text, busy, problem, on_unlocked, passphrase) =
                ((*passphrase).clone(), busy.clone(), problem.clone(), on_unlocked.clone(), passphrase.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match request(Request::Unlock { passphrase: text.into() }, &Callback::noop()).await {
                    Answer::Got(Response::Unlocked { failed_attempts, problems, problem_wordings }) => {
                        passphrase.set(String::new());
                        on_unlocked.emit(notices(&failed_attempts, problem_texts(problems, &problem_wordings)));
                    }
                    Answer::Got(other) => problem.set(Some(crate::ui::unexpected(&other))),
                    Answer::Locked => problem.set(Some(t("options_error_wrong_passphrase"))),
                    Answer::Failed { text, .. } => problem.set(Some(text)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <form class="card unlock" onsubmit={onsubmit}>
            <p data-testid="vault-state">{ t("state_locked") }</p>
            <label for="unlock-passphrase">{ t("options_unlock_passphrase") }</label>
            <input id="unlock-passphrase" type="password" autocomplete="current-password"
                value={(*passphrase).clone()} oninput={oninput} required=true />
            if let Some(why) = &*problem {
                <p class="error" role="alert">{ why.clone() }</p>
            }
            <div class="actions">
                <button type="submit" disabled={*busy}>{ if *busy { t("options_unlocking") } else { t("options_unlock") } }</button>
            </div>
        </form>
    }
}
