//! Sotto's options page: history, charts, encrypted backup, a report for a clinician, settings.
//! It talks only to the worker (it never holds key material); the page's state lives here, in
//! [`App`], and each section asks the worker for what it shows.
//!
//! Plain-Rust logic (tested natively): [`dates`], [`chart_data`], [`fhir`]; the CSV writer is
//! the vault's own (`sotto_vault::report::csv`).

pub mod chart_data;
pub mod dates;
pub mod entry_form;
pub mod fhir;

mod backup;
mod charts;
mod entry_editor;
mod history;
mod report;
mod settings_form;
mod strength;
mod ui;
mod unlock;
mod web;

use sotto_glue::protocol::{Request, Response, VaultState};
use ui::{Answer, t};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Where the page is in its life.
#[derive(Clone, PartialEq)]
enum Phase {
    Connecting,
    NoVault,
    Locked,
    Unlocked,
    Failed(String),
}

/// The page's sections, one at a time.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    History,
    Charts,
    Backup,
    Report,
    Settings,
}

impl Section {
    const ALL: [Section; 5] = [Section::History, Section::Charts, Section::Backup, Section::Report, Section::Settings];

    fn label(self) -> String {
        t(match self {
            Section::History => "options_nav_history",
            Section::Charts => "options_nav_charts",
            Section::Backup => "options_nav_backup",
            Section::Report => "options_nav_report",
            Section::Settings => "options_nav_settings",
        })
    }
}

/// What every section gets from the page.
#[derive(Clone, PartialEq, Properties)]
pub struct SectionProps {
    /// Bumped whenever the journal changed (edit, delete, import): sections showing entries reload.
    pub journal_version: u32,
    /// The worker answered `Locked`: show the lock screen.
    pub on_locked: Callback<()>,
    /// This section changed the journal.
    pub on_changed: Callback<()>,
}

#[function_component(App)]
fn app() -> Html {
    let phase = use_state(|| Phase::Connecting);
    let section = use_state(|| Section::History);
    let journal_version = use_state(|| 0u32);
    // Told once after an unlock from this page (failed attempts, damage found), until dismissed.
    let notices = use_state(Vec::<String>::new);
    {
        let phase = phase.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let never = Callback::noop();
                phase.set(match ui::request(Request::Status, &never).await {
                    Answer::Got(Response::Status { state: VaultState::NoVault }) => Phase::NoVault,
                    Answer::Got(Response::Status { state: VaultState::Locked }) | Answer::Locked => Phase::Locked,
                    Answer::Got(Response::Status { state: VaultState::Unlocked }) => Phase::Unlocked,
                    Answer::Got(other) => Phase::Failed(ui::unexpected(&other)),
                    Answer::Failed { text, .. } => Phase::Failed(text),
                });
            });
        });
    }
    let on_locked = {
        let phase = phase.clone();
        Callback::from(move |_| phase.set(Phase::Locked))
    };
    let on_unlocked = {
        let (phase, notices) = (phase.clone(), notices.clone());
        Callback::from(move |told: Vec<String>| {
            notices.set(told);
            phase.set(Phase::Unlocked);
        })
    };
    let dismiss = {
        let notices = notices.clone();
        Callback::from(move |_| notices.set(Vec::new()))
    };
    let on_changed = {
        let journal_version = journal_version.clone();
        Callback::from(move |_| journal_version.set(journal_version.wrapping_add(1)))
    };
    let lock_now = {
        let on_locked = on_locked.clone();
        Callback::from(move |_| {
            let on_locked = on_locked.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = ui::request(Request::Lock, &on_locked).await;
                on_locked.emit(());
            });
        })
    };

    let body = match &*phase {
        Phase::Connecting => html! { <p class="status">{ t("options_connecting") }</p> },
        Phase::NoVault => html! { <p class="status" data-testid="vault-state">{ t("state_no_vault") }</p> },
        Phase::Locked => html! { <unlock::UnlockForm on_unlocked={on_unlocked} /> },
        Phase::Failed(why) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        Phase::Unlocked => {
            let props = SectionProps { journal_version: *journal_version, on_locked: on_locked.clone(), on_changed };
            let nav = Section::ALL.iter().map(|&s| {
                let current = *section == s;
                let pick = {
                    let section = section.clone();
                    Callback::from(move |_| section.set(s))
                };
                html! {
                    <li><button type="button" class={classes!("nav-item", current.then_some("current"))}
                        aria-current={current.then_some("page")} onclick={pick}>{ s.label() }</button></li>
                }
            });
            let content = match *section {
                Section::History => html! { <history::History ..props /> },
                Section::Charts => html! { <charts::Charts ..props /> },
                Section::Backup => html! { <backup::Backup ..props /> },
                Section::Report => html! { <report::Report ..props /> },
                Section::Settings => html! { <settings_form::SettingsForm ..props /> },
            };
            html! {
                <>
                    if !notices.is_empty() {
                        <div class="card notice no-print" role="alert">
                            { for notices.iter().map(|text| html! { <p>{ text.clone() }</p> }) }
                            <div class="actions"><button type="button" class="secondary" onclick={dismiss}>{ t("popup_dismiss") }</button></div>
                        </div>
                    }
                    <nav class="sections no-print" aria-label={t("options_nav_label")}>
                        <ul>{ for nav }</ul>
                        <button type="button" class="secondary lock-now" onclick={lock_now}>{ t("options_lock_now") }</button>
                    </nav>
                    <section class="section" aria-labelledby="section-heading">
                        <h2 id="section-heading" class="no-print">{ section.label() }</h2>
                        { content }
                    </section>
                </>
            }
        }
    };
    html! {
        <main>
            <h1 class="no-print">{ t("options_title") }</h1>
            { body }
        </main>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    sotto_glue::vanish::install(); // Shift ×3 vanishes; the page closes when Vanish runs (worker, issue 4)
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        yew::Renderer::<App>::with_root(root).render();
    }
}
