//! Pain intensity, 0–10, as a row of large radio buttons (the numeric rating scale clinicians use).
//! Arrow keys move along it; a typed digit picks a value from anywhere (see the journal).

use crate::i18n::t;
use yew::prelude::*;

/// The intensity a typed digit picks. "1" then "0" is 10 when the 0 is the very next key and
/// the intensity is still 1; any other 0 is 0. No clock is involved, so a slow typist, a fast one
/// and a queued burst of keys all get the same answer, and 0 after 1 is one more 0 away.
pub fn typed_digit(digit: u8, previous_key_was_one: bool, current: Option<u8>) -> u8 {
    if digit == 0 && previous_key_was_one && current == Some(1) {
        10
    } else {
        digit
    }
}

/// Each step's value and label, as static text (no string made per render).
const STEP_VALUES: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

#[derive(Properties, PartialEq)]
pub struct IntensityProps {
    pub value: Option<u8>,
    pub on_pick: Callback<u8>,
    /// The row of radios, so the journal can put focus on the chosen one.
    pub scale_ref: NodeRef,
}

#[component(Intensity)]
pub fn intensity(props: &IntensityProps) -> Html {
    // Lean markup: the popup draws this on every open, and each element, attribute and text is a
    // call out of the Wasm. The chosen step's look comes from CSS (`:has(input:checked)`).
    let step = |n: u8| {
        let pick = props.on_pick.reform(move |_: Event| n);
        html! {
            <label class="scale-step">
                <input autocomplete="off" type="radio" name="intensity" value={STEP_VALUES[usize::from(n)]} checked={props.value == Some(n)} onchange={pick} />
                { STEP_VALUES[usize::from(n)] }
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

#[cfg(test)]
mod tests {
    use super::typed_digit;

    #[test]
    fn one_then_zero_is_ten_without_a_clock() {
        assert_eq!(typed_digit(1, false, Some(6)), 1);
        assert_eq!(typed_digit(0, true, Some(1)), 10);
        // Another key came in between, or the 1 was changed meanwhile (a click on 4).
        assert_eq!(typed_digit(0, false, Some(1)), 0);
        assert_eq!(typed_digit(0, true, Some(4)), 0);
        // 0 once more after 10 is 0.
        assert_eq!(typed_digit(0, false, Some(10)), 0);
        assert_eq!(typed_digit(7, true, Some(1)), 7);
    }
}
