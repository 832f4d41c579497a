//! Settings → unlock strength: measure this device in the worker, propose Argon2id parameters for
//! a chosen unlock time, and rewrap the key with them once the passphrase is typed again.

use sotto_glue::protocol::{KdfParams, Request, Response};
use yew::prelude::*;

use crate::SectionProps;
use crate::chart_data::one_decimal;
use crate::ui::{Answer, outcome_view, request, t, tf, unexpected};
use crate::web::event_value;

/// The unlock times offered (ms), with their message keys.
const TARGETS: [(u32, &str); 4] = [
    (500, "options_strength_target_half"),
    (1000, "options_strength_target_1"),
    (2000, "options_strength_target_2"),
    (3000, "options_strength_target_3"),
];

#[derive(Clone, PartialEq)]
struct Measured {
    current: KdfParams,
    current_ms: u32,
    proposed: KdfParams,
    proposed_ms: u32,
}

fn seconds(ms: u32) -> String {
    one_decimal(f64::from(ms) / 1000.0)
}

/// "about 1.2 s … (16 passes over 64 MiB)" pieces: seconds, passes, MiB.
fn described(params: &KdfParams, ms: u32) -> [String; 3] {
    [seconds(ms), params.t_cost.to_string(), (params.m_cost_kib / 1024).to_string()]
}

fn tf3(key: &str, [a, b, c]: &[String; 3]) -> String {
    tf(key, &[a, b, c])
}

#[function_component(StrengthForm)]
pub fn strength_form(props: &SectionProps) -> Html {
    let target = use_state(|| 1000u32);
    let measured = use_state(|| None::<Measured>);
    let passphrase = use_state(String::new);
    let busy = use_state(|| None::<String>);
    let outcome = use_state(|| None::<Result<String, String>>);

    let on_target = {
        let (target, measured) = (target.clone(), measured.clone());
        Callback::from(move |e: Event| {
            if let Ok(ms) = event_value(&e).parse::<u32>() {
                target.set(ms);
                measured.set(None);
            }
        })
    };
    let measure = {
        let (target, measured, busy, outcome, on_locked) = (target.clone(), measured.clone(), busy.clone(), outcome.clone(), props.on_locked.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(Some(t("options_strength_measuring")));
            outcome.set(None);
            let (measured, busy, outcome, on_locked, target_ms) = (measured.clone(), busy.clone(), outcome.clone(), on_locked.clone(), *target);
            wasm_bindgen_futures::spawn_local(async move {
                match request(Request::MeasureKdf { target_ms }, &on_locked).await {
                    Answer::Got(Response::KdfMeasured { current, current_ms, proposed, proposed_ms }) => {
                        measured.set(Some(Measured { current, current_ms, proposed, proposed_ms }))
                    }
                    Answer::Got(other) => outcome.set(Some(Err(unexpected(&other)))),
                    Answer::Locked => {}
                    Answer::Failed { text } => outcome.set(Some(Err(text))),
                }
                busy.set(None);
            });
        })
    };
    let apply = {
        let (measured, passphrase, busy, outcome, on_locked) = (measured.clone(), passphrase.clone(), busy.clone(), outcome.clone(), props.on_locked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(chosen) = (*measured).clone() else { return };
            // Checking the passphrase, then wrapping under the new strength: the old time plus the new.
            busy.set(Some(tf("options_strength_applying", &[&seconds(chosen.current_ms.saturating_add(chosen.proposed_ms))])));
            outcome.set(None);
            let body = Request::SetKdfParams { passphrase: (*passphrase).clone().into(), params: chosen.proposed };
            let (measured, passphrase, busy, outcome, on_locked) = (measured.clone(), passphrase.clone(), busy.clone(), outcome.clone(), on_locked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match request(body, &on_locked).await {
                    Answer::Got(Response::Done) => {
                        passphrase.set(String::new());
                        measured.set(None);
                        outcome.set(Some(Ok(tf3("options_strength_applied", &described(&chosen.proposed, chosen.proposed_ms)))));
                    }
                    Answer::Got(other) => outcome.set(Some(Err(unexpected(&other)))),
                    Answer::Locked => outcome.set(Some(Err(t("options_locked_meanwhile")))),
                    Answer::Failed { text } => outcome.set(Some(Err(text))),
                }
                busy.set(None);
            });
        })
    };
    let on_passphrase = {
        let passphrase = passphrase.clone();
        Callback::from(move |e: InputEvent| passphrase.set(event_value(&e)))
    };
    let options = TARGETS.iter().map(|&(ms, key)| html! { <option value={ms.to_string()} selected={*target == ms}>{ t(key) }</option> });
    let working = busy.is_some();
    html! {
        <form class="card" onsubmit={apply} aria-labelledby="strength-heading">
            <h3 id="strength-heading">{ t("options_strength_heading") }</h3>
            <p class="hint">{ t("options_strength_intro") }</p>
            <div class="setting">
                <label for="kdf-target">{ t("options_strength_target") }</label>
                <select id="kdf-target" autocomplete="off" onchange={on_target} disabled={working}>{ for options }</select>
            </div>
            <div class="actions">
                <button type="button" class="secondary" onclick={measure} disabled={working}>{ t("options_strength_measure") }</button>
            </div>
            if let Some(m) = &*measured {
                <div role="status">
                    <p>{ tf3("options_strength_now", &described(&m.current, m.current_ms)) }</p>
                    if m.proposed == m.current {
                        <p>{ t("options_strength_same") }</p>
                    } else {
                        <p>{ tf3("options_strength_proposal", &described(&m.proposed, m.proposed_ms)) }</p>
                    }
                </div>
                if m.proposed != m.current {
                    <label for="strength-passphrase">{ t("options_strength_passphrase") }</label>
                    <input id="strength-passphrase" type="password" autocomplete="current-password" value={(*passphrase).clone()}
                        oninput={on_passphrase} required=true />
                    <div class="actions"><button type="submit" disabled={working}>{ t("options_strength_apply") }</button></div>
                }
            }
            if let Some(text) = &*busy { <p class="status" role="status">{ text.clone() }</p> }
            { outcome_view(&outcome) }
        </form>
    }
}
