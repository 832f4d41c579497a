//! Pain intensity, 0–10, as a row of large radio buttons (the numeric rating scale clinicians use).
//! Arrow keys move along it; a typed digit picks a value from anywhere (see the journal).

use crate::i18n::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IntensityProps {
    pub value: Option<u8>,
    pub on_pick: Callback<u8>,
    /// The row of radios, so the journal can put focus on the chosen one.
    pub scale_ref: NodeRef,
}

#[component(Intensity)]
pub fn intensity(props: &IntensityProps) -> Html {
    let step = |n: u8| {
        let checked = props.value == Some(n);
        let pick = props.on_pick.reform(move |_: Event| n);
        html! {
            <label class={classes!("scale-step", format!("level-{n}"), checked.then_some("checked"))}>
                <input autocomplete="off" type="radio" name="intensity" value={n.to_string()} checked={checked} onchange={pick} />
                <span>{ n }</span>
            </label>
        }
    };
    html! {
        <fieldset class="intensity" aria-describedby="intensity-anchors">
            <legend>{ t("popup_intensity_legend") }</legend>
            <div class="scale" ref={props.scale_ref.clone()}>
                { for (0..=10).map(step) }
            </div>
            <p class="scale-anchors" id="intensity-anchors">
                <span>{ t("popup_intensity_low") }</span>
                <span>{ t("popup_intensity_high") }</span>
            </p>
        </fieldset>
    }
}
