//! The recovery code, shown once right after the journal is created, then a check that the user
//! really has it: typing back its last group.

use std::rc::Rc;

use crate::dom::{focus_within, value_of};
use crate::i18n::t;
use crate::worker::call;
use sotto_glue::protocol::Request;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RecoveryProps {
    /// As the worker wrote it: groups of four separated by dashes.
    pub code: Rc<str>,
    pub on_confirmed: Callback<()>,
}

/// The code's groups ("7K2M", …), whatever separators it was written with.
pub fn groups(code: &str) -> Vec<String> {
    code.split(|c: char| c == '-' || c.is_whitespace()).filter(|g| !g.is_empty()).map(str::to_string).collect()
}

/// What the user typed, read as the code's alphabet reads it: case, spaces and dashes ignored,
/// I and L as 1, O as 0 (the vault parses codes the same way).
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Show,
    Check,
}

#[component(Recovery)]
pub fn recovery(props: &RecoveryProps) -> Html {
    let step = use_state(|| Step::Show);
    let typed = use_state(String::new);
    let status = use_state(String::new);
    let error = use_state(|| None::<String>);
    let section = use_node_ref();
    {
        let section = section.clone();
        use_effect_with(*step, move |step| {
            let selector = if *step == Step::Check { "input" } else { "h2" };
            focus_within(&section, selector);
        });
    }
    let groups = groups(&props.code);
    let last_group = groups.last().cloned().unwrap_or_default();

    let copy = {
        let (code, status) = (props.code.to_string(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let (code, status) = (code.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(window) = web_sys::window() else { return };
                let copied = JsFuture::from(window.navigator().clipboard().write_text(&code)).await.is_ok();
                status.set(t(if copied { "popup_recovery_copied" } else { "popup_recovery_copy_failed" }));
            });
        })
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    let to_check = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(Step::Check))
    };
    let back = {
        let (step, error, typed) = (step.clone(), error.clone(), typed.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            typed.set(String::new());
            step.set(Step::Show)
        })
    };
    let on_submit = {
        let (typed, error, on_confirmed) = (typed.clone(), error.clone(), props.on_confirmed.clone());
        let expected = normalise(&last_group);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if normalise(&typed) != expected {
                error.set(Some(t("popup_recovery_check_wrong")));
                return;
            }
            let on_confirmed = on_confirmed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // The code no longer needs to wait in the worker's memory.
                let _ = call(Request::SetDraft { draft: serde_json::Value::Null }).await;
                on_confirmed.emit(());
            });
        })
    };

    let body = match *step {
        Step::Show => html! {
            <>
                <h2 id="recovery-title" tabindex="-1">{ t("popup_recovery_title") }</h2>
                <p class="lead">{ t("popup_recovery_intro") }</p>
                <div class="recovery-code" role="group" aria-label={t("popup_recovery_code_label")}>
                    { for groups.iter().map(|g| html! { <span class="recovery-group">{ g.clone() }</span> }) }
                </div>
                <p class="print-only">{ t("popup_recovery_print_note") }</p>
                <p>{ t("popup_recovery_keep_it") }</p>
                <div class="row no-print">
                    <button type="button" onclick={copy}>{ t("popup_recovery_copy") }</button>
                    <button type="button" onclick={print}>{ t("popup_recovery_print") }</button>
                </div>
                <p class="status no-print" role="status">{ (*status).clone() }</p>
                <button type="button" class="primary no-print" onclick={to_check}>{ t("popup_recovery_written") }</button>
            </>
        },
        Step::Check => html! {
            <>
                <h2 id="recovery-title">{ t("popup_recovery_check_title") }</h2>
                <form onsubmit={on_submit} novalidate=true>
                    <div class="field">
                        <label for="recovery-last-group">{ t("popup_recovery_check_label") }</label>
                        <input id="recovery-last-group" type="text" class="code-input" autocomplete="off" spellcheck="false"
                            autocapitalize="characters" maxlength="9" value={(*typed).clone()}
                            oninput={Callback::from({ let typed = typed.clone(); move |e: InputEvent| typed.set(value_of(&e)) })} />
                    </div>
                    <p class="error" role="alert">{ (*error).clone().unwrap_or_default() }</p>
                    <div class="row">
                        <button type="submit" class="primary">{ t("popup_continue") }</button>
                        <button type="button" onclick={back}>{ t("popup_recovery_show_again") }</button>
                    </div>
                </form>
            </>
        },
    };
    html! {
        <section class="screen recovery" ref={section} aria-labelledby="recovery-title">{ body }</section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_group_is_read_forgivingly() {
        let code = "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WX1O";
        let groups = groups(code);
        assert_eq!(groups.len(), 8);
        assert_eq!(normalise(groups.last().unwrap()), "WX10");
        assert_eq!(normalise(" wx-lo "), "WX10");
        assert_ne!(normalise("WX11"), "WX10");
    }
}
