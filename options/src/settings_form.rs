use yew::prelude::*;
use crate::SectionProps;

#[function_component(SettingsForm)]
pub fn component(_props: &SectionProps) -> Html {
    html! {}
}
