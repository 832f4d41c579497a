//! The lock screen: unlock with the passphrase, or reset it with the recovery code.

use crate::dom::{focus_within, mark_ready, select_all, value_of};
use crate::i18n::{t, t1};
use crate::passphrase::{problem, PassphraseFields};
use crate::worker::{call, unexpected, Failure};
use sotto_glue::protocol::{ErrorCode, Request, Response, VaultState};
use sotto_glue::wording::problem_texts;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct UnlockProps {
    /// Why the lock screen is showing now, when it is not the usual reason.
    pub note: Option<String>,
    /// The popup is holding a form it could not save; unlocking brings it back.
    pub keeps_form: bool,
    /// Unlocked: the failed attempts to report, and a notice for the journal screen.
    pub on_unlocked: Callback<(Vec<i64>, Option<String>)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Passphrase,
    RecoveryCode,
}

/// Whether the journal is locked now, asked after a reset's answer. Unsure counts as not locked:
/// the popup then opens the journal as usual, whose first request finds out anyway.
async fn locked_now() -> bool {
    matches!(call(Request::Status).await, Ok(Response::Status { state: VaultState::Locked }) | Err(Failure::Locked))
}

/// The user's words for an unlock that did not work.
fn unlock_failure_text(failure: &Failure) -> String {
    match failure {
        Failure::Refused { code: ErrorCode::WrongPassphrase, .. } => t("popup_wrong_passphrase"),
        Failure::Refused { code: ErrorCode::WrongRecoveryCode, .. } => t("popup_wrong_recovery_code"),
        other => t1("popup_unlock_failed", &other.text()),
    }
}

#[component(Unlock)]
pub fn unlock(props: &UnlockProps) -> Html {
    let mode = use_state(|| Mode::Passphrase);
    let passphrase = use_state(String::new);
    let code = use_state(String::new);
    let new_passphrase = use_state(String::new);
    let confirm = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let caps_lock = use_state(|| false);
    // The reset took effect but the journal locked before the popup could open it (a lock that
    // came while the new passphrase was being written): said on the lock screen, or the user
    // would not know which passphrase now opens it.
    let reset_but_locked = use_state(|| false);
    let section = use_node_ref();
    let passphrase_input = use_node_ref();
    {
        let section = section.clone();
        use_effect_with(*mode, move |_| {
            focus_within(&section, "input");
            mark_ready();
        });
    }

    let finish = {
        let (busy, error, on_unlocked, passphrase_input) =
            (busy.clone(), error.clone(), props.on_unlocked.clone(), passphrase_input.clone());
        let (mode, reset_but_locked) = (mode.clone(), reset_but_locked.clone());
        let reset_fields = (code.clone(), new_passphrase.clone(), confirm.clone());
        move |request: Request, notice: Option<String>| {
            busy.set(true);
            error.set(None);
            let (busy, error, on_unlocked, passphrase_input) =
                (busy.clone(), error.clone(), on_unlocked.clone(), passphrase_input.clone());
            let (mode, reset_but_locked) = (mode.clone(), reset_but_locked.clone());
            let (code, new_passphrase, confirm) = reset_fields.clone();
            let is_reset = matches!(request, Request::ResetPassphrase { .. });
            wasm_bindgen_futures::spawn_local(async move {
                match call(request).await {
                    // A reset is answered `unlocked` even when a lock came while its new
                    // passphrase was being written (the answer says what took effect; the lock
                    // applies right after). Then the journal is locked already: stay here and
                    // say that the new passphrase is the one to type.
                    Ok(Response::Unlocked { .. }) if is_reset && locked_now().await => {
                        busy.set(false);
                        // Done with: not kept in this page while it shows the lock screen.
                        [code, new_passphrase, confirm].iter().for_each(|field| field.set(String::new()));
                        reset_but_locked.set(true);
                        mode.set(Mode::Passphrase);
                    }
                    Ok(Response::Unlocked { failed_attempts, problems, problem_wordings }) => {
                        // Damage found while unlocking is told at once, with any other notice.
                        let told = notice.into_iter().chain(problem_texts(problems, &problem_wordings)).collect::<Vec<_>>().join(" ");
                        on_unlocked.emit((failed_attempts, (!told.is_empty()).then_some(told)))
                    }
                    Ok(_) => {
                        busy.set(false);
                        error.set(Some(t1("popup_unlock_failed", &unexpected().text())));
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(unlock_failure_text(&failure)));
                        // Typing again replaces the wrong passphrase.
                        select_all(&passphrase_input);
                    }
                }
            });
        }
    };
    let on_unlock = {
        let (passphrase, busy, error, finish) = (passphrase.clone(), busy.clone(), error.clone(), finish.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if passphrase.is_empty() {
                error.set(Some(t("popup_passphrase_empty")));
                return;
            }
            finish(Request::Unlock { passphrase: (*passphrase).clone().into() }, None);
        })
    };
    let on_reset = {
        let (code, new_passphrase, confirm, busy, error) =
            (code.clone(), new_passphrase.clone(), confirm.clone(), busy.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if code.trim().is_empty() {
                error.set(Some(t("popup_recovery_code_empty")));
                return;
            }
            if let Some(key) = problem(&new_passphrase, &confirm) {
                error.set(Some(t(key)));
                return;
            }
            let request =
                Request::ResetPassphrase { recovery_code: (*code).clone().into(), new_passphrase: (*new_passphrase).clone().into() };
            finish(request, Some(t("popup_passphrase_was_reset")));
        })
    };
    let switch_to = |target: Mode| {
        let (mode, error, reset_but_locked) = (mode.clone(), error.clone(), reset_but_locked.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            reset_but_locked.set(false);
            mode.set(target);
        })
    };
    let watch_caps_lock = {
        let caps_lock = caps_lock.clone();
        Callback::from(move |event: KeyboardEvent| caps_lock.set(event.get_modifier_state("CapsLock")))
    };
    let submit_label = |idle: &str, working: &str| {
        if *busy {
            html! { <><span class="spinner" aria-hidden="true"></span>{ t(working) }</> }
        } else {
            html! { { t(idle) } }
        }
    };
    let error_line = html! { <p class="error" role="alert">{ (*error).clone().unwrap_or_default() }</p> };

    let body = match *mode {
        Mode::Passphrase => html! {
            <>
                <h2 id="unlock-title">{ t("state_locked") }</h2>
                if *reset_but_locked {
                    // Good news, marked as such (a check and the "done" colour), apart from the
                    // lock notes beside it.
                    <p class="notice done" role="status"><span class="done-mark" aria-hidden="true">{ "✓" }</span>{ t("popup_reset_then_locked") }</p>
                }
                if let Some(note) = &props.note {
                    <p class="notice">{ note.clone() }</p>
                }
                if props.keeps_form {
                    <p class="notice">{ t("popup_kept_until_unlock") }</p>
                }
                <form onsubmit={on_unlock} novalidate=true>
                    <div class="field">
                        <label for="unlock-passphrase">{ t("popup_passphrase") }</label>
                        <input id="unlock-passphrase" type="password" autocomplete="current-password" spellcheck="false"
                            ref={passphrase_input} value={(*passphrase).clone()} aria-describedby="unlock-caps"
                            onkeydown={watch_caps_lock.clone()} onkeyup={watch_caps_lock}
                            oninput={Callback::from({ let p = passphrase.clone(); move |e: InputEvent| p.set(value_of(&e)) })} />
                        <p class="field-hint" id="unlock-caps">
                            if *caps_lock { { t("popup_caps_lock_on") } }
                        </p>
                    </div>
                    { error_line }
                    <button type="submit" class="primary" aria-disabled={busy.to_string()}>
                        { submit_label("popup_unlock", "popup_unlocking") }
                    </button>
                </form>
                <p class="aside">
                    { t("popup_forgot_passphrase") }{ " " }
                    <button type="button" class="link" onclick={switch_to(Mode::RecoveryCode)}>{ t("popup_use_recovery_code") }</button>
                </p>
            </>
        },
        Mode::RecoveryCode => html! {
            <>
                <h2 id="unlock-title">{ t("popup_reset_title") }</h2>
                <p class="lead">{ t("popup_reset_intro") }</p>
                <form onsubmit={on_reset} novalidate=true>
                    <div class="field">
                        <label for="reset-code">{ t("popup_recovery_code_label") }</label>
                        <input id="reset-code" type="text" class="code-input" autocomplete="off" spellcheck="false" autocapitalize="characters"
                            value={(*code).clone()}
                            oninput={Callback::from({ let c = code.clone(); move |e: InputEvent| c.set(value_of(&e)) })} />
                    </div>
                    <PassphraseFields id="reset-passphrase" label={t("popup_new_passphrase")}
                        value={(*new_passphrase).clone()} confirm={(*confirm).clone()}
                        on_value={Callback::from({ let p = new_passphrase.clone(); move |v| p.set(v) })}
                        on_confirm={Callback::from({ let c = confirm.clone(); move |v| c.set(v) })} />
                    { error_line }
                    <div class="row">
                        <button type="submit" class="primary" aria-disabled={busy.to_string()}>
                            { submit_label("popup_reset_and_unlock", "popup_unlocking") }
                        </button>
                        <button type="button" onclick={switch_to(Mode::Passphrase)}>{ t("popup_back") }</button>
                    </div>
                </form>
            </>
        },
    };
    html! {
        <section class="screen" ref={section} aria-labelledby="unlock-title" aria-busy={busy.to_string()}>{ body }</section>
    }
}
