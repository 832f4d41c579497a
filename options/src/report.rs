use yew::prelude::*;
use crate::SectionProps;

#[function_component(Report)]
pub fn component(_props: &SectionProps) -> Html {
    html! {}
}
