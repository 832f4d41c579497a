//! A group of on/off chips (checkboxes that look like chips): body regions, pain qualities.
//! The likely ones come first; "All …" reveals the rest of the vocabulary.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChipsProps {
    /// Used for element ids.
    pub id: AttrValue,
    pub legend: AttrValue,
    /// Keys shown at once (recent first), with their labels.
    pub first: Vec<(String, String)>,
    /// How many more the vocabulary has, behind the "All" button.
    pub rest_count: usize,
    /// Those, with their labels, while expanded; empty otherwise (a label is a chrome.i18n call,
    /// and the regions alone are over 40: not made on every render for a list nobody sees).
    pub rest: Vec<(String, String)>,
    pub selected: Vec<String>,
    pub expanded: bool,
    /// The label of the button that reveals `rest`, and of the same button once it has.
    pub all_label: AttrValue,
    pub fewer_label: AttrValue,
    pub on_toggle: Callback<String>,
    pub on_expand: Callback<()>,
}

#[component(Chips)]
pub fn chips(props: &ChipsProps) -> Html {
    let chip = |(key, label): &(String, String)| {
        let checked = props.selected.contains(key);
        let toggle = {
            let key = key.clone();
            props.on_toggle.reform(move |_: Event| key.clone())
        };
        // The chosen chip's look comes from CSS (`:has(input:checked)`), as the scale's does.
        html! {
            <label class="chip" key={key.clone()}>
                <input autocomplete="off" type="checkbox" value={key.clone()} checked={checked} onchange={toggle} />
                { label.clone() }
            </label>
        }
    };
    let rest_id = format!("{}-all", props.id);
    html! {
        <fieldset class="chips">
            <legend>{ props.legend.clone() }</legend>
            <div class="chip-row">
                { for props.first.iter().map(chip) }
                if props.rest_count > 0 {
                    <button type="button" class="chip more" aria-expanded={props.expanded.to_string()}
                        aria-controls={rest_id.clone()} onclick={props.on_expand.reform(|_: MouseEvent| ())}>
                        { if props.expanded { props.fewer_label.clone() } else { props.all_label.clone() } }
                    </button>
                }
            </div>
            if props.expanded {
                <div class="chip-row all" id={rest_id}>
                    { for props.rest.iter().map(chip) }
                </div>
            }
        </fieldset>
    }
}
