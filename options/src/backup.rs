//! Encrypted backup: export the whole journal to a file, import one (verified and previewed
//! before anything changes). The file travels to and from the worker in one `fetch` of its own
//! addresses; the page only ever sees the encrypted file.

use sotto_glue::protocol::{EXPORT_PATH, IMPORT_PATH, ImportProblem, Request, Response};
use yew::prelude::*;

use crate::SectionProps;
use crate::dates::{iso_date, parse_iso_date};
use crate::ui::{Answer, megabytes, outcome_view, request, t, tf, unexpected};
use crate::web::{event_checked, event_file, event_value, fetch_own_blob, post_own_file, save_blob, short_date, today};

#[function_component(Backup)]
pub fn backup(props: &SectionProps) -> Html {
    html! {
        <>
            <ExportForm ..props.clone() />
            <ImportForm ..props.clone() />
        </>
    }
}

/// Work under way: which step is running, named as it starts ("Step 2 of 2: …").
///
/// Each step is one request or one transfer whose inside the page cannot see (the worker reads,
/// checks and encrypts in one go), so the bar is indeterminate: a bar that filled by steps would
/// sit still for most of an export and then jump. Nothing is told per entry: at 100,000 entries
/// a message per entry would cost more than the work.
#[derive(Clone, PartialEq)]
struct Progress(String);

impl Progress {
    /// Step `step` of `steps`, doing `what`.
    fn step(step: u32, steps: u32, what: String) -> Option<Progress> {
        Some(Progress(tf("options_progress_step", &[&step.to_string(), &steps.to_string(), &what])))
    }
}

fn progress_view(progress: &Option<Progress>, label: String) -> Html {
    match progress {
        None => html! {},
        Some(Progress(text)) => html! {
            <div class="progress">
                <span role="status">{ text.clone() }</span>
                <progress aria-label={label}></progress>
            </div>
        },
    }
}

/// Steps of an export: encrypting in the worker, then the file to the browser.
const EXPORT_STEPS: u32 = 2;
/// Steps of checking an import: the file to the worker, then verifying it there.
const CHECK_STEPS: u32 = 2;

#[function_component(ExportForm)]
fn export_form(props: &SectionProps) -> Html {
    let use_vault_passphrase = use_state(|| true);
    let passphrase = use_state(String::new);
    let repeat = use_state(String::new);
    let file_name = use_state(|| format!("notes-{}.bin", iso_date(today())));
    let progress = use_state(|| None::<Progress>);
    let outcome = use_state(|| None::<Result<String, String>>);

    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(event_value(&e)))
    };
    let choose = |value: bool| {
        let state = use_vault_passphrase.clone();
        Callback::from(move |e: Event| {
            if event_checked(&e) {
                state.set(value);
            }
        })
    };
    let onsubmit = {
        let (use_vault_passphrase, passphrase, repeat, file_name, progress, outcome, on_locked) = (
            use_vault_passphrase.clone(),
            passphrase.clone(),
            repeat.clone(),
            file_name.clone(),
            progress.clone(),
            outcome.clone(),
            props.on_locked.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if progress.is_some() {
                return;
            }
            let is_vault_passphrase = *use_vault_passphrase;
            if !is_vault_passphrase && *passphrase != *repeat {
                outcome.set(Some(Err(t("options_export_mismatch"))));
                return;
            }
            if !is_vault_passphrase && passphrase.chars().count() < 8 {
                outcome.set(Some(Err(t("options_export_too_short"))));
                return;
            }
            let name = match file_name.trim() {
                "" => format!("notes-{}.bin", iso_date(today())),
                name => name.to_string(),
            };
            let (pass, progress, outcome, on_locked, passphrase, repeat) =
                ((*passphrase).clone(), progress.clone(), outcome.clone(), on_locked.clone(), passphrase.clone(), repeat.clone());
            outcome.set(None);
            let first = if is_vault_passphrase { "options_export_step_check_encrypt" } else { "options_export_step_encrypt" };
            progress.set(Progress::step(1, EXPORT_STEPS, t(first)));
            wasm_bindgen_futures::spawn_local(async move {
                let result = run_export(pass, is_vault_passphrase, &name, &progress, &on_locked).await;
                if result.is_ok() {
                    passphrase.set(String::new());
                    repeat.set(String::new());
                }
                progress.set(None);
                outcome.set(Some(result));
            });
        })
    };

    let busy = progress.is_some();
    html! {
        <form class="card" onsubmit={onsubmit} aria-labelledby="export-heading">
            <h3 id="export-heading">{ t("options_export_heading") }</h3>
            <p class="hint">{ t("options_export_intro") }</p>
            <fieldset>
                <legend>{ t("options_export_protect") }</legend>
                <label class="choice">
                    <input autocomplete="off" type="radio" name="export-passphrase" checked={*use_vault_passphrase} onchange={choose(true)} />
                    { t("options_export_use_vault") }
                </label>
                <label class="choice">
                    <input autocomplete="off" type="radio" name="export-passphrase" checked={!*use_vault_passphrase} onchange={choose(false)} />
                    { t("options_export_use_other") }
                </label>
            </fieldset>
            <label for="export-passphrase">
                { if *use_vault_passphrase { t("options_export_vault_passphrase") } else { t("options_export_new_passphrase") } }
            </label>
            <input id="export-passphrase" type="password" autocomplete={if *use_vault_passphrase { "current-password" } else { "new-password" }}
                value={(*passphrase).clone()} oninput={text_input(&passphrase)} required=true />
            if !*use_vault_passphrase {
                <label for="export-repeat">{ t("options_export_repeat") }</label>
                <input id="export-repeat" type="password" autocomplete="new-password"
                    value={(*repeat).clone()} oninput={text_input(&repeat)} required=true />
            }
            <label for="export-file-name">{ t("options_export_file_name") }</label>
            <input autocomplete="off" id="export-file-name" type="text" value={(*file_name).clone()} oninput={text_input(&file_name)}
                aria-describedby="export-file-name-hint" />
            <p id="export-file-name-hint" class="hint">{ t("options_export_file_name_hint") }</p>
            { progress_view(&progress, t("options_export_progress")) }
            { outcome_view(&outcome) }
            <div class="actions">
                <button type="submit" disabled={busy}>{ t("options_export_button") }</button>
            </div>
        </form>
    }
}

async fn run_export(
    passphrase: String,
    is_vault_passphrase: bool,
    file_name: &str,
    progress: &UseStateHandle<Option<Progress>>,
    on_locked: &Callback<()>,
) -> Result<String, String> {
    let failed = |answer: Answer| match answer {
        Answer::Got(other) => unexpected(&other),
        Answer::Locked => t("options_locked_meanwhile"),
        Answer::Failed { text, .. } => text,
    };
    let total_bytes = match request(Request::ExportBundle { passphrase: passphrase.into(), is_vault_passphrase }, on_locked).await {
        Answer::Got(Response::ExportReady { total_bytes, .. }) => total_bytes,
        other => return Err(failed(other)),
    };
    progress.set(Progress::step(2, EXPORT_STEPS, tf("options_export_step_move", &[&megabytes(total_bytes)])));
    // The bytes come in one fetch the worker answers (no base64, no JSON, never through Wasm).
    let fetched = fetch_own_blob(EXPORT_PATH).await;
    // The worker forgets its copy whether or not the download goes well: the file is the copy.
    let _ = request(Request::ExportFinish, on_locked).await;
    let blob = fetched.map_err(|_| t("options_export_garbled"))?;
    if blob.size() as u64 != total_bytes {
        return Err(t("options_export_garbled"));
    }
    save_blob(&blob, file_name)?;
    Ok(tf("options_export_saved", &[file_name, &megabytes(total_bytes)]))
}

/// Where an import stands.
#[derive(Clone, PartialEq)]
enum ImportStage {
    Choosing,
    Previewed { entries: u64, deleted: u64, first: Option<String>, last: Option<String> },
    Done { added: u64, updated: u64, deleted: u64, unchanged: u64 },
}

fn problem_text(reason: ImportProblem) -> String {
    t(match reason {
        ImportProblem::NotABundle => "options_import_not_a_bundle",
        ImportProblem::UnsupportedVersion => "options_import_unsupported_version",
        ImportProblem::Truncated => "options_import_truncated",
        ImportProblem::Damaged => "options_import_damaged",
        ImportProblem::WrongPassphrase => "options_import_wrong_passphrase",
        ImportProblem::InvalidContents => "options_import_invalid_contents",
        ImportProblem::Incomplete => "options_import_incomplete",
        ImportProblem::NothingToImport => "options_import_nothing",
    })
}

#[function_component(ImportForm)]
fn import_form(props: &SectionProps) -> Html {
    let file = use_state(|| None::<web_sys::File>);
    let passphrase = use_state(String::new);
    let stage = use_state(|| ImportStage::Choosing);
    let progress = use_state(|| None::<Progress>);
    let problem = use_state(|| None::<String>);

    let onchange_file = {
        let (file, stage, problem) = (file.clone(), stage.clone(), problem.clone());
        Callback::from(move |e: Event| {
            file.set(event_file(&e));
            stage.set(ImportStage::Choosing);
            problem.set(None);
        })
    };
    let oninput_passphrase = {
        let passphrase = passphrase.clone();
        Callback::from(move |e: InputEvent| passphrase.set(event_value(&e)))
    };
    let onsubmit = {
        let (file, passphrase, stage, progress, problem, on_locked) =
            (file.clone(), passphrase.clone(), stage.clone(), progress.clone(), problem.clone(), props.on_locked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if progress.is_some() {
                return;
            }
            let Some(chosen) = (*file).clone() else {
                problem.set(Some(t("options_import_choose_file")));
                return;
            };
            let (pass, stage, progress, problem, on_locked) =
                ((*passphrase).clone(), stage.clone(), progress.clone(), problem.clone(), on_locked.clone());
            problem.set(None);
            progress.set(Progress::step(1, CHECK_STEPS, tf("options_import_step_send", &[&megabytes(chosen.size() as u64)])));
            wasm_bindgen_futures::spawn_local(async move {
                match send_and_preview(&chosen, pass, &progress, &on_locked).await {
                    Ok(previewed) => stage.set(previewed),
                    Err(why) => problem.set(Some(why)),
                }
                progress.set(None);
            });
        })
    };
    let commit = {
        let (stage, progress, problem, passphrase, on_locked, on_changed) =
            (stage.clone(), progress.clone(), problem.clone(), passphrase.clone(), props.on_locked.clone(), props.on_changed.clone());
        Callback::from(move |_| {
            let (stage, progress, problem, passphrase, on_locked, on_changed) =
                (stage.clone(), progress.clone(), problem.clone(), passphrase.clone(), on_locked.clone(), on_changed.clone());
            // A single step (one request: merge by id, then one write), so no step count.
            let count = match &*stage {
                ImportStage::Previewed { entries, .. } => *entries,
                _ => 0,
            };
            progress.set(Some(Progress(tf("options_import_merging", &[&count.to_string()]))));
            wasm_bindgen_futures::spawn_local(async move {
                match request(Request::ImportCommit, &on_locked).await {
                    Answer::Got(Response::Imported { added, updated, deleted, unchanged }) => {
                        passphrase.set(String::new());
                        stage.set(ImportStage::Done { added, updated, deleted, unchanged });
                        on_changed.emit(());
                    }
                    Answer::Got(Response::ImportRejected { reason, .. }) => {
                        stage.set(ImportStage::Choosing);
                        problem.set(Some(problem_text(reason)));
                    }
                    Answer::Got(other) => problem.set(Some(unexpected(&other))),
                    Answer::Locked => problem.set(Some(t("options_locked_meanwhile"))),
                    Answer::Failed { text, .. } => problem.set(Some(text)),
                }
                progress.set(None);
            });
        })
    };
    let cancel = {
        let (stage, on_locked) = (stage.clone(), props.on_locked.clone());
        Callback::from(move |_| {
            stage.set(ImportStage::Choosing);
            let on_locked = on_locked.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = request(Request::ImportCancel, &on_locked).await;
            });
        })
    };

    let busy = progress.is_some();
    let preview = match &*stage {
        ImportStage::Choosing => html! {},
        ImportStage::Previewed { entries, deleted, first, last } => {
            let range = match (first.as_deref().and_then(parse_iso_date), last.as_deref().and_then(parse_iso_date)) {
                (Some(a), Some(b)) => tf("options_import_preview_range", &[&entries.to_string(), &short_date(a), &short_date(b)]),
                _ => tf("options_import_preview_count", &[&entries.to_string()]),
            };
            html! {
                <div class="preview" role="status">
                    <p class="preview-summary">{ range }</p>
                    if *deleted > 0 {
                        <p class="hint">{ tf("options_import_preview_deleted", &[&deleted.to_string()]) }</p>
                    }
                    <p class="hint">{ t("options_import_preview_nothing_changed") }</p>
                    <div class="actions">
                        <button type="button" onclick={commit} disabled={busy}>{ t("options_import_commit") }</button>
                        <button type="button" class="secondary" onclick={cancel} disabled={busy}>{ t("options_import_cancel") }</button>
                    </div>
                </div>
            }
        }
        ImportStage::Done { added, updated, deleted, unchanged } => html! {
            <p class="success" role="status">
                { if *deleted == 0 {
                    tf("options_import_report", &[&added.to_string(), &updated.to_string(), &unchanged.to_string()])
                } else {
                    tf("options_import_report_deleted", &[&added.to_string(), &updated.to_string(), &deleted.to_string(), &unchanged.to_string()])
                } }
            </p>
        },
    };
    html! {
        <form class="card" onsubmit={onsubmit} aria-labelledby="import-heading">
            <h3 id="import-heading">{ t("options_import_heading") }</h3>
            <p class="hint">{ t("options_import_intro") }</p>
            <label for="import-file">{ t("options_import_file") }</label>
            <input autocomplete="off" id="import-file" type="file" onchange={onchange_file} />
            <label for="import-passphrase">{ t("options_import_passphrase") }</label>
            <input id="import-passphrase" type="password" autocomplete="off"
                value={(*passphrase).clone()} oninput={oninput_passphrase} required=true />
            { progress_view(&progress, t("options_import_progress")) }
            if let Some(why) = &*problem {
                <p class="error" role="alert">{ why.clone() }</p>
            }
            <div class="actions">
                <button type="submit" disabled={busy}>{ t("options_import_check") }</button>
            </div>
            { preview }
        </form>
    }
}

async fn send_and_preview(
    file: &web_sys::File,
    passphrase: String,
    progress: &UseStateHandle<Option<Progress>>,
    on_locked: &Callback<()>,
) -> Result<ImportStage, String> {
    let failed = |answer: Answer| match answer {
        Answer::Got(Response::ImportRejected { reason, .. }) => problem_text(reason),
        Answer::Got(other) => unexpected(&other),
        Answer::Locked => t("options_locked_meanwhile"),
        Answer::Failed { text, .. } => text,
    };
    let size = file.size() as u64;
    match request(Request::ImportBegin { total_bytes: size }, on_locked).await {
        Answer::Got(Response::Done) => {}
        other => return Err(failed(other)),
    }
    // The whole file in one fetch the worker answers: no base64, no JSON, never through this
    // page's Wasm memory.
    match post_own_file(IMPORT_PATH, file).await {
        Ok(true) => {}
        Ok(false) => return Err(problem_text(ImportProblem::Incomplete)),
        Err(why) => return Err(tf("options_import_unreadable_file", &[&why])),
    }
    progress.set(Progress::step(2, CHECK_STEPS, t("options_import_step_verify")));
    match request(Request::ImportPreview { passphrase: passphrase.into() }, on_locked).await {
        Answer::Got(Response::ImportPreviewed { entries, deleted, first_date, last_date, .. }) => {
            Ok(ImportStage::Previewed { entries, deleted, first: first_date, last: last_date })
        }
        other => Err(failed(other)),
    }
}
