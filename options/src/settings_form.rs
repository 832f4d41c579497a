//! Settings: every change is sent to the worker at once (`SetSettings`), which applies it and
//! keeps it encrypted in the vault, so it survives a restart. Passphrase change and recovery
//! code rotation ask for the passphrase again.

use sotto_glue::protocol::{Request, Response, Settings};
use yew::prelude::*;

use crate::SectionProps;
use crate::ui::{Answer, outcome_view, request, t, unexpected};
use crate::web::{event_checked, event_value};

#[function_component(SettingsForm)]
pub fn settings_form(props: &SectionProps) -> Html {
    let settings = use_state(|| None::<Result<Settings, String>>);
    let status = use_state(|| None::<Result<String, String>>);
    {
        let (settings, on_locked) = (settings.clone(), props.on_locked.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                settings.set(Some(match request(Request::GetSettings, &on_locked).await {
                    Answer::Got(Response::Settings { settings }) => Ok(settings),
                    Answer::Got(other) => Err(unexpected(&other)),
                    Answer::Locked => return,
                    Answer::Failed { text, .. } => Err(text),
                }));
            });
        });
    }
    let current = match &*settings {
        None => return html! { <p class="status">{ t("options_loading") }</p> },
        Some(Err(why)) => return html! { <p class="error" role="alert">{ why.clone() }</p> },
        Some(Ok(current)) => current.clone(),
    };
    let s = current.clone();
    // One change: validate, send, show what the worker kept.
    let change = {
        let (settings, status, on_locked) = (settings.clone(), status.clone(), props.on_locked.clone());
        move |apply: fn(&mut Settings, &Event) -> Result<(), String>| {
            let (settings, status, on_locked, base) = (settings.clone(), status.clone(), on_locked.clone(), current.clone());
            Callback::from(move |e: Event| {
                let mut next = base.clone();
                if let Err(why) = apply(&mut next, &e) {
                    status.set(Some(Err(why)));
                    return;
                }
                let (settings, status, on_locked) = (settings.clone(), status.clone(), on_locked.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match request(Request::SetSettings { settings: next }, &on_locked).await {
                        Answer::Got(Response::Settings { settings: kept }) => {
                            settings.set(Some(Ok(kept)));
                            status.set(Some(Ok(t("options_settings_saved"))));
                        }
                        Answer::Got(other) => status.set(Some(Err(unexpected(&other)))),
                        Answer::Locked => {}
                        Answer::Failed { text, .. } => status.set(Some(Err(text))),
                    }
                });
            })
        }
    };
    html! {
        <>
            <div class="card" aria-labelledby="settings-lock-heading">
                <h3 id="settings-lock-heading">{ t("options_settings_lock_heading") }</h3>
                <div class="setting">
                    <label for="auto-lock">{ t("options_settings_auto_lock") }</label>
                    <input autocomplete="off" id="auto-lock" type="number" min="0" max="240" value={s.auto_lock_minutes.to_string()}
                        aria-describedby="auto-lock-hint"
                        onchange={change(|s, e| { s.auto_lock_minutes = minutes_of(e, 0)?; Ok(()) })} />
                    <p id="auto-lock-hint" class="hint">{ t("options_settings_auto_lock_hint") }</p>
                </div>
                <div class="setting">
                    <label class="choice" for="lock-idle">
                        <input autocomplete="off" id="lock-idle" type="checkbox" checked={s.lock_on_idle}
                            onchange={change(|s, e| { s.lock_on_idle = event_checked(e); Ok(()) })} />
                        { t("options_settings_lock_on_idle") }
                    </label>
                    if s.lock_on_idle {
                        <label for="idle-minutes">{ t("options_settings_idle_minutes") }</label>
                        <input autocomplete="off" id="idle-minutes" type="number" min="1" max="240" value={s.idle_minutes.to_string()}
                            onchange={change(|s, e| { s.idle_minutes = minutes_of(e, 1)?; Ok(()) })} />
                    }
                </div>
                <div class="setting">
                    <label class="choice" for="strict-mode">
                        <input autocomplete="off" id="strict-mode" type="checkbox" checked={s.strict_mode} aria-describedby="strict-hint"
                            onchange={change(|s, e| { s.strict_mode = event_checked(e); Ok(()) })} />
                        { t("options_settings_strict") }
                    </label>
                    <p id="strict-hint" class="hint">{ t("options_settings_strict_hint") }</p>
                </div>
            </div>
            <div class="card" aria-labelledby="settings-discretion-heading">
                <h3 id="settings-discretion-heading">{ t("options_settings_discretion_heading") }</h3>
                <div class="setting">
                    <label for="vanish-url">{ t("options_settings_vanish_url") }</label>
                    <input autocomplete="off" id="vanish-url" type="url" placeholder="https://" value={s.vanish_url.clone()} aria-describedby="vanish-hint"
                        onchange={change(|s, e| {
                            let url = event_value(e).trim().to_string();
                            if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
                                return Err(t("options_settings_bad_url"));
                            }
                            s.vanish_url = url;
                            Ok(())
                        })} />
                    <p id="vanish-hint" class="hint">{ t("options_settings_vanish_hint") }</p>
                </div>
                <div class="setting">
                    <label class="choice" for="menu-enabled">
                        <input autocomplete="off" id="menu-enabled" type="checkbox" checked={s.context_menu_enabled}
                            onchange={change(|s, e| { s.context_menu_enabled = event_checked(e); Ok(()) })} />
                        { t("options_settings_menu") }
                    </label>
                    if s.context_menu_enabled {
                        <label for="menu-label">{ t("options_settings_menu_label") }</label>
                        <input autocomplete="off" id="menu-label" type="text" maxlength="60" value={s.context_menu_label.clone()}
                            onchange={change(|s, e| {
                                let label = event_value(e).trim().to_string();
                                if label.is_empty() {
                                    return Err(t("options_settings_bad_label"));
                                }
                                s.context_menu_label = label;
                                Ok(())
                            })} />
                    }
                </div>
                <div class="setting">
                    <label class="choice" for="discreet">
                        <input autocomplete="off" id="discreet" type="checkbox" checked={s.discreet_mode} aria-describedby="discreet-hint"
                            onchange={change(|s, e| { s.discreet_mode = event_checked(e); Ok(()) })} />
                        { t("options_settings_discreet") }
                    </label>
                    <p id="discreet-hint" class="hint">{ t("options_settings_discreet_hint") }</p>
                </div>
            </div>
            { outcome_view(&status) }
            <PassphraseForm ..props.clone() />
            <crate::strength::StrengthForm ..props.clone() />
            <RecoveryForm ..props.clone() />
        </>
    }
}

fn minutes_of(e: &Event, low: u32) -> Result<u32, String> {
    event_value(e).trim().parse::<u32>().ok().filter(|m| (low..=240).contains(m)).ok_or_else(|| t("options_settings_bad_minutes"))
}

#[function_component(PassphraseForm)]
fn passphrase_form(props: &SectionProps) -> Html {
    let current = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let outcome = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(event_value(&e)))
    };
    let onsubmit = {
        let (current, new, repeat, outcome, busy, on_locked) =
            (current.clone(), new.clone(), repeat.clone(), outcome.clone(), busy.clone(), props.on_locked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *new != *repeat {
                outcome.set(Some(Err(t("options_export_mismatch"))));
                return;
            }
            if new.chars().count() < 8 {
                outcome.set(Some(Err(t("options_export_too_short"))));
                return;
            }
            busy.set(true);
            let request_body = Request::ChangePassphrase { current: (*current).clone().into(), new_passphrase: (*new).clone().into() };
            let (current, new, repeat, outcome, busy, on_locked) =
                (current.clone(), new.clone(), repeat.clone(), outcome.clone(), busy.clone(), on_locked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                outcome.set(Some(match request(request_body, &on_locked).await {
                    Answer::Got(Response::Done) => {
                        current.set(String::new());
                        new.set(String::new());
                        repeat.set(String::new());
                        Ok(t("options_passphrase_changed"))
                    }
                    Answer::Got(other) => Err(unexpected(&other)),
                    Answer::Locked => Err(t("options_locked_meanwhile")),
                    Answer::Failed { text, .. } => Err(text),
                }));
                busy.set(false);
            });
        })
    };
    html! {
        <form class="card" onsubmit={onsubmit} aria-labelledby="passphrase-heading">
            <h3 id="passphrase-heading">{ t("options_passphrase_heading") }</h3>
            <label for="pass-current">{ t("options_passphrase_current") }</label>
            <input id="pass-current" type="password" autocomplete="current-password" value={(*current).clone()} oninput={bind(&current)} required=true />
            <label for="pass-new">{ t("options_passphrase_new") }</label>
            <input id="pass-new" type="password" autocomplete="new-password" value={(*new).clone()} oninput={bind(&new)} required=true />
            <label for="pass-repeat">{ t("options_export_repeat") }</label>
            <input id="pass-repeat" type="password" autocomplete="new-password" value={(*repeat).clone()} oninput={bind(&repeat)} required=true />
            { outcome_view(&outcome) }
            <div class="actions"><button type="submit" disabled={*busy}>{ t("options_passphrase_change") }</button></div>
        </form>
    }
}

#[function_component(RecoveryForm)]
fn recovery_form(props: &SectionProps) -> Html {
    let passphrase = use_state(String::new);
    let code = use_state(|| None::<String>);
    let problem = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let oninput = {
        let passphrase = passphrase.clone();
        Callback::from(move |e: InputEvent| passphrase.set(event_value(&e)))
    };
    let onsubmit = {
        let (passphrase, code, problem, busy, on_locked) = (passphrase.clone(), code.clone(), problem.clone(), busy.clone(), props.on_locked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            problem.set(None);
            let body = Request::RotateRecoveryCode { passphrase: (*passphrase).clone().into() };
            let (passphrase, code, problem, busy, on_locked) = (passphrase.clone(), code.clone(), problem.clone(), busy.clone(), on_locked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match request(body, &on_locked).await {
                    Answer::Got(Response::RecoveryCode { recovery_code }) => {
                        passphrase.set(String::new());
                        code.set(Some(recovery_code));
                    }
                    Answer::Got(other) => problem.set(Some(unexpected(&other))),
                    Answer::Locked => problem.set(Some(t("options_locked_meanwhile"))),
                    Answer::Failed { text, .. } => problem.set(Some(text)),
                }
                busy.set(false);
            });
        })
    };
    let written = {
        let code = code.clone();
        Callback::from(move |_| code.set(None))
    };
    html! {
        <form class="card" onsubmit={onsubmit} aria-labelledby="recovery-heading">
            <h3 id="recovery-heading">{ t("options_recovery_heading") }</h3>
            <p class="hint">{ t("options_recovery_intro") }</p>
            if let Some(new_code) = &*code {
                <div role="status">
                    <p>{ t("options_recovery_new") }</p>
                    <p class="recovery-code">{ new_code.clone() }</p>
                    <button type="button" onclick={written}>{ t("options_recovery_written") }</button>
                </div>
            } else {
                <label for="recovery-passphrase">{ t("options_export_vault_passphrase") }</label>
                <input id="recovery-passphrase" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={oninput} required=true />
                if let Some(why) = &*problem { <p class="error" role="alert">{ why.clone() }</p> }
                <div class="actions"><button type="submit" disabled={*busy}>{ t("options_recovery_rotate") }</button></div>
            }
        </form>
    }
}
