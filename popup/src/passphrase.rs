//! A new passphrase, typed twice, with a strength estimate that explains itself.
//! Used when creating the journal and when resetting the passphrase with the recovery code.

use crate::dom::value_of;
use crate::i18n::t;
use crate::strength::{self, Level};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PassphraseFieldsProps {
    /// Prefix of the element ids (two forms never share a page, but ids stay distinct anyway).
    pub id: AttrValue,
    /// The first field's label ("Choose a passphrase", "New passphrase").
    pub label: AttrValue,
    pub value: AttrValue,
    pub confirm: AttrValue,
    pub on_value: Callback<String>,
    pub on_confirm: Callback<String>,
}

/// Whether the pair can be used: strong enough to accept, and typed the same twice.
pub fn problem(value: &str, confirm: &str) -> Option<&'static str> {
    let (_, level) = strength::estimate(value);
    if !level.acceptable() {
        Some(match level {
            Level::Common => "popup_strength_common_hint",
            _ => "popup_strength_too_short_hint",
        })
    } else if value != confirm {
        Some("popup_passphrases_differ")
    } else {
        None
    }
}

#[component(PassphraseFields)]
pub fn passphrase_fields(props: &PassphraseFieldsProps) -> Html {
    let shown = use_state(|| false);
    let (_, level) = strength::estimate(&props.value);
    let (name_key, hint_key) = level.message_keys();
    let kind = if *shown { "text" } else { "password" };
    // Chromium keeps what a text field holds in its session files on disk (form state for
    // restoring tabs) unless the field says autocomplete=off; a password field it never keeps. So
    // a shown passphrase says off, and a hidden one lets password managers offer to save it.
    let autocomplete = if *shown { "off" } else { "new-password" };
    let strength_id = format!("{}-strength", props.id);
    let confirm_id = format!("{}-confirm", props.id);
    let mismatch_id = format!("{}-mismatch", props.id);
    // Only call a difference out once the second field is as long as the first.
    let differs = !props.confirm.is_empty()
        && props.confirm != props.value
        && props.confirm.chars().count() >= props.value.chars().count();
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    html! {
        <>
            <div class="field">
                <label for={props.id.clone()}>{ props.label.clone() }</label>
                <div class="with-toggle">
                    <input id={props.id.clone()} type={kind} autocomplete={autocomplete} spellcheck="false"
                        value={props.value.clone()} aria-describedby={strength_id.clone()}
                        oninput={props.on_value.reform(|e: InputEvent| value_of(&e))} />
                    <button type="button" class="quiet small" aria-pressed={shown.to_string()} onclick={toggle}>
                        // Seen as on, as the chips are; its name stays "Show" (the pressed state says the rest).
                        if *shown { <span aria-hidden="true">{ "✓ " }</span> }
                        { t("popup_show_passphrase") }
                    </button>
                </div>
                <div class="strength" id={strength_id}>
                    <div class={classes!("strength-bar", format!("bars-{}", level.bars()))} aria-hidden="true">
                        <span></span><span></span><span></span><span></span>
                    </div>
                    <p class="field-hint">
                        if level != Level::Empty {
                            <strong>{ t(name_key) }</strong>{ " " }
                        }
                        { t(hint_key) }
                    </p>
                </div>
            </div>
            <div class="field">
                <label for={confirm_id.clone()}>{ t("popup_confirm_passphrase") }</label>
                <input id={confirm_id} type={kind} autocomplete={autocomplete} spellcheck="false"
                    value={props.confirm.clone()} aria-describedby={mismatch_id.clone()}
                    aria-invalid={differs.to_string()}
                    oninput={props.on_confirm.reform(|e: InputEvent| value_of(&e))} />
                <p class="field-hint error" id={mismatch_id}>
                    if differs { { t("popup_passphrases_differ") } }
                </p>
            </div>
        </>
    }
}
