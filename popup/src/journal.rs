//! The quick log, Sotto's main screen: an entry in at most three interactions ("6", a region,
//! Enter), Undo for a few seconds, the week's entries below.
//!
//! This component owns the screen's state in one reducer ([`JournalState`]); its parts
//! (intensity, chips, time, extras, recent list) only show it and report edits.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use crate::chips::Chips;
use crate::clock::{self, day_and_time, offset_at};
use crate::dom::{focus_within, is_typing_target, mark_ready, target_tag, value_of};
use crate::extras::Extras;
use crate::form::{FormEdit, FormProblem, LogForm, EXTRAS};
use crate::i18n::{quality_label, region_label, t, t1, t2};
use crate::drafts::DraftOutbox;
use crate::intensity::{typed_digit, Intensity};
use crate::recent::{Recent, WEEK_MS};
use crate::when::WhenPicker;
use crate::worker::{call, unexpected, Failure};
use sotto_glue::protocol::{Entry, EntryId, EntryQuery, Request, Response, Settings};
use sotto_glue::wording::problem_texts;
use sotto_vault::{Quality, Region};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::platform::time::sleep;
use yew::prelude::*;

/// How long "Undo" stays after a save.
const UNDO_WINDOW: Duration = Duration::from_secs(10);
/// Chips shown before "All …".
const FIRST_CHIPS: usize = 6;
/// What a new user sees first, before they have any history: the commonest chronic-pain sites.
const COMMON_REGIONS: [Region; 6] = [
    Region::LowerBackLeft,
    Region::LowerBackRight,
    Region::NeckBack,
    Region::Head,
    Region::ShoulderLeft,
    Region::KneeRight,
];
const COMMON_QUALITIES: [Quality; 6] =
    [Quality::Aching, Quality::Sharp, Quality::Burning, Quality::Throbbing, Quality::Stiffness, Quality::Shooting];

#[derive(Properties, PartialEq)]
pub struct JournalProps {
    /// Wrong passphrases typed since the last unlock (UTC ms), to report once.
    pub failed_attempts: Rc<Vec<i64>>,
    /// A one-off notice ("your passphrase was reset").
    pub notice: Option<String>,
    /// The form to start from: the worker's draft, or one the popup kept across a lock.
    pub initial_form: Option<LogForm>,
    /// Where the form as last rendered is left for the app (kept across an automatic lock).
    pub typed: Rc<RefCell<LogForm>>,
    /// The journal turned out to be locked: the note to show, and the form to keep.
    pub on_locked: Callback<(Option<String>, Option<LogForm>)>,
}

#[derive(Clone, PartialEq)]
enum SaveStatus {
    Idle,
    Saving,
    /// `form` is what was saved, so Undo can put it back.
    Saved { entry: Rc<Entry>, form: LogForm, undo: bool },
    Undoing { entry: Rc<Entry>, form: LogForm },
    /// Undo did not work: the entry is still saved, and Undo can be tried again.
    UndoFailed { entry: Rc<Entry>, form: LogForm, why: String },
    Undone,
    /// Not saved, and why (in words); the form is untouched.
    Failed(String),
    /// The form cannot be saved as it is.
    Problem(FormProblem),
}

#[derive(Clone, PartialEq)]
struct JournalState {
    form: LogForm,
    /// This week's entries, newest first; `None` until the worker answers.
    entries: Option<Rc<Vec<Entry>>>,
    unreadable: Rc<Vec<String>>,
    list_problem: Option<String>,
    settings: Option<Settings>,
    more_open: bool,
    all_regions: bool,
    all_qualities: bool,
    status: SaveStatus,
    notice_open: bool,
}

#[allow(clippy::large_enum_variant, reason = "one action per user event, reduced at once: boxing the saved entry would buy nothing")]
enum Action {
    Edit(FormEdit),
    Listed { entries: Vec<Entry>, unreadable: Vec<String> },
    ListFailed(String),
    SettingsRead(Settings),
    ToggleMore,
    ToggleAllRegions,
    ToggleAllQualities,
    Saving,
    Saved { entry: Entry, form: LogForm },
    SaveFailed(String),
    Problem(FormProblem),
    UndoExpired(EntryId),
    Undoing,
    Undone,
    DismissNotice,
}

fn newest_first(entries: &mut [Entry]) {
    entries.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
}

impl Reducible for JournalState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(edit) => {
                next.form.apply(edit);
                next.status = match next.status {
                    // A new entry begins: the last one's Undo would overwrite it, so it goes.
                    SaveStatus::Saved { entry, form, .. } => SaveStatus::Saved { entry, form, undo: false },
                    SaveStatus::Problem(_) => SaveStatus::Idle,
                    other => other,
                };
            }
            Action::Listed { mut entries, unreadable } => {
                entries.retain(|e| !e.deleted);
                newest_first(&mut entries);
                next.entries = Some(Rc::new(entries));
                next.unreadable = Rc::new(unreadable);
                next.list_problem = None;
            }
            Action::ListFailed(why) => next.list_problem = Some(why),
            Action::SettingsRead(settings) => next.settings = Some(settings),
            Action::ToggleMore => next.more_open = !next.more_open,
            Action::ToggleAllRegions => next.all_regions = !next.all_regions,
            Action::ToggleAllQualities => next.all_qualities = !next.all_qualities,
            Action::Saving => next.status = SaveStatus::Saving,
            Action::Saved { entry, form } => {
                if let Some(entries) = &next.entries {
                    let mut entries = (**entries).clone();
                    entries.push(entry.clone());
                    newest_first(&mut entries);
                    next.entries = Some(Rc::new(entries));
                }
                next.form = LogForm::default();
                next.status = SaveStatus::Saved { entry: Rc::new(entry), form, undo: true };
            }
            Action::SaveFailed(why) => {
                next.status = match next.status {
                    // A failed Undo: the entry is still saved and still undoable.
                    SaveStatus::Undoing { entry, form } => SaveStatus::UndoFailed { entry, form, why },
                    _ => SaveStatus::Failed(why),
                }
            }
            Action::Problem(problem) => next.status = SaveStatus::Problem(problem),
            Action::UndoExpired(id) => {
                if let SaveStatus::Saved { entry, form, .. } = &next.status
                    && entry.id == id
                {
                    next.status = SaveStatus::Saved { entry: entry.clone(), form: form.clone(), undo: false };
                }
            }
            Action::Undoing => {
                if let SaveStatus::Saved { entry, form, .. } | SaveStatus::UndoFailed { entry, form, .. } = &next.status {
                    next.status = SaveStatus::Undoing { entry: entry.clone(), form: form.clone() };
                }
            }
            Action::Undone => {
                if let SaveStatus::Undoing { entry, form } = &next.status {
                    if let Some(entries) = &next.entries {
                        next.entries = Some(Rc::new(entries.iter().filter(|e| e.id != entry.id).cloned().collect()));
                    }
                    next.form = form.clone();
                    next.status = SaveStatus::Undone;
                }
            }
            Action::DismissNotice => next.notice_open = false,
        }
        next.into()
    }
}

/// The regions to offer first: those used most recently, then common ones, and whatever is
/// selected (so a restored draft shows its choices).
fn first_keys(recent: impl Iterator<Item = String>, common: &[String], selected: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for key in recent.chain(common.iter().cloned()) {
        if keys.len() >= FIRST_CHIPS {
            break;
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for key in selected {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys
}

/// Chips as (key, label), as `Chips` takes them.
type Labelled = Vec<(String, String)>;

/// Splits a vocabulary into the chips shown first, with labels, and the rest: how many, and
/// with labels only while `expanded` (see `ChipsProps::rest`).
fn chip_lists<'a>(first: Vec<String>, all: impl Iterator<Item = &'a str>, label: fn(&str) -> String, expanded: bool) -> (Labelled, usize, Labelled) {
    let rest = all.filter(|k| !first.iter().any(|shown| shown == k));
    // Only counted while folded (no copy of each key): this runs on every render of the form.
    let (rest_count, rest) = if expanded {
        let labelled: Labelled = rest.map(|k| (k.to_string(), label(k))).collect();
        (labelled.len(), labelled)
    } else {
        (rest.count(), Vec::new())
    };
    let first = first.into_iter().map(|k| (k.clone(), label(&k))).collect();
    (first, rest_count, rest)
}

fn failed_attempts_text(times: &[i64], now: i64) -> String {
    let list = times.iter().map(|&at| day_and_time(at, offset_at(at), now)).collect::<Vec<_>>().join(", ");
    if times.len() == 1 {
        t1("popup_failed_attempts_one", &list)
    } else {
        t2("popup_failed_attempts_many", &times.len().to_string(), &list)
    }
}

/// Reads the week's entries and the settings; both fill in after the form is already usable.
fn load(dispatcher: UseReducerDispatcher<JournalState>, on_locked: Callback<(Option<String>, Option<LogForm>)>) {
    let list_dispatcher = dispatcher.clone();
    let locked = on_locked.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let query = EntryQuery { from_ms: Some(clock::now_ms() - WEEK_MS), ..EntryQuery::default() };
        match call(Request::ListEntries { query }).await {
            Ok(Response::Entries { entries, unreadable, unreadable_wordings }) => {
                list_dispatcher.dispatch(Action::Listed { entries, unreadable: problem_texts(unreadable, &unreadable_wordings) })
            }
            Ok(_) => list_dispatcher.dispatch(Action::ListFailed(unexpected().text())),
            Err(Failure::Locked) => locked.emit((None, None)),
            Err(failure) => list_dispatcher.dispatch(Action::ListFailed(t1("popup_recent_failed", &failure.text()))),
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        // Without settings the popup still works; it just cannot remember extras this time.
        if let Ok(Response::Settings { settings }) = call(Request::GetSettings).await {
            dispatcher.dispatch(Action::SettingsRead(settings));
        }
    });
}

/// Typing a digit anywhere but in a text field picks the intensity ("1" then "0" is 10: see
/// [`typed_digit`]). `live` is read when the key comes, not when the listener was installed.
fn listen_for_digits(live: UseReducerHandle<JournalState>, scale: NodeRef) -> impl FnOnce() {
    let previous_key_was_one = Rc::new(Cell::new(false));
    let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
        let after_one = previous_key_was_one.replace(false);
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.default_prevented() || is_typing_target(&event) {
            return;
        }
        let key = event.key();
        let Some(digit) = (key.len() == 1).then(|| key.chars().next().and_then(|c| c.to_digit(10))).flatten() else {
            return;
        };
        // 0–9 by construction.
        let value = typed_digit(digit as u8, after_one, live.form.intensity);
        previous_key_was_one.set(value == 1);
        event.prevent_default();
        live.dispatch(Action::Edit(FormEdit::Intensity(value)));
        focus_within(&scale, &format!("input[value=\"{value}\"]"));
    });
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(document) = &document {
        let _ = document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
    }
    move || {
        if let Some(document) = document {
            let _ = document.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        drop(listener);
    }
}

/// Adds the extras this form used to the remembered ones, if any are new.
async fn remember_extras(settings: Option<Settings>, form: &LogForm, dispatcher: &UseReducerDispatcher<JournalState>) {
    let Some(mut settings) = settings else { return };
    let mut changed = false;
    for key in form.used_extras() {
        if !settings.used_extras.iter().any(|k| k == key) {
            settings.used_extras.push(key.to_string());
            changed = true;
        }
    }
    if changed && let Ok(Response::Settings { settings }) = call(Request::SetSettings { settings }).await {
        dispatcher.dispatch(Action::SettingsRead(settings));
    }
}

#[component(Journal)]
pub fn journal(props: &JournalProps) -> Html {
    let state = {
        let (form, notice_open) = (props.initial_form.clone().unwrap_or_default(), !props.failed_attempts.is_empty());
        use_reducer(move || JournalState {
            form,
            entries: None,
            unreadable: Rc::new(Vec::new()),
            list_problem: None,
            settings: None,
            more_open: false,
            all_regions: false,
            all_qualities: false,
            status: SaveStatus::Idle,
            notice_open,
        })
    };
    let scale = use_node_ref();
    let now = clock::now_ms();
    *props.typed.borrow_mut() = state.form.clone();

    {
        let (live, scale, on_locked) = (state.clone(), scale.clone(), props.on_locked.clone());
        let chosen = state.form.intensity;
        use_effect_with((), move |_| {
            let selector = chosen.map(|v| format!("input[value=\"{v}\"]")).unwrap_or_else(|| "input".to_string());
            focus_within(&scale, &selector);
            mark_ready();
            load(live.dispatcher(), on_locked);
            listen_for_digits(live, scale)
        });
    }
    // After Undo the button is gone: the keyboard goes back to the restored form.
    {
        let scale = scale.clone();
        use_effect_with(matches!(state.status, SaveStatus::Undone), move |undone| {
            if *undone {
                focus_within(&scale, "input:checked");
            }
        });
    }
    // Every handler below reads `live`, the state as it is when the event comes, never the copy
    // this render drew with: keys can arrive faster than Yew draws (it hands long work to a
    // timer, and the browser runs queued input first), and a handler holding the drawn form
    // would save or keep a form a few keys old.
    let live = state.clone();
    // The draft: each edit goes to the worker as it happens; other changes of the form (Undo
    // puts one back) once drawn.
    let outbox = {
        let (arrived, on_locked) = (state.form.clone(), props.on_locked.clone());
        use_memo((), move |_| DraftOutbox::new(arrived, on_locked))
    };
    {
        let (outbox, live) = (outbox.clone(), live.clone());
        // The form as it is by now: this effect can run after later keys.
        use_effect_with(state.form.clone(), move |_| outbox.offer(&live.form));
    }
    let edit = {
        let (live, outbox, typed) = (live.clone(), outbox.clone(), props.typed.clone());
        Callback::from(move |edit: FormEdit| {
            live.dispatch(Action::Edit(edit));
            let form = live.form.clone();
            outbox.offer(&form);
            *typed.borrow_mut() = form;
        })
    };
    let save = {
        let (live, outbox, scale, on_locked) = (live.clone(), outbox.clone(), scale.clone(), props.on_locked.clone());
        Rc::new(move || {
            let (dispatcher, form, settings) = (live.dispatcher(), live.form.clone(), live.settings.clone());
            if matches!(live.status, SaveStatus::Saving | SaveStatus::Undoing { .. }) {
                return;
            }
            let now = clock::now_ms();
            let prepared = form.check().and_then(|_| clock::resolve(form.when, now));
            let (occurred_at, offset) = match prepared {
                Ok(at) => at,
                Err(problem) => {
                    dispatcher.dispatch(Action::Problem(problem));
                    if problem == FormProblem::NoIntensity {
                        focus_within(&scale, "input");
                    }
                    return;
                }
            };
            let Ok(id) = EntryId::generate() else {
                dispatcher.dispatch(Action::SaveFailed(t1("popup_save_failed", &t("popup_no_randomness"))));
                return;
            };
            let entry = match form.to_entry(id, occurred_at, offset) {
                Ok(entry) => entry,
                Err(problem) => return dispatcher.dispatch(Action::Problem(problem)),
            };
            dispatcher.dispatch(Action::Saving);
            let (dispatcher, form, settings, scale, outbox, on_locked) =
                (dispatcher.clone(), form.clone(), settings.clone(), scale.clone(), outbox.clone(), on_locked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call(Request::SaveEntry { entry }).await {
                    Ok(Response::EntrySaved { entry }) => {
                        let id = entry.id;
                        dispatcher.dispatch(Action::Saved { entry, form: form.clone() });
                        focus_within(&scale, "input");
                        // At once, not once drawn: a popup closed right now must not bring the
                        // saved form back as a draft (and invite a double entry).
                        outbox.offer(&LogForm::default());
                        remember_extras(settings, &form, &dispatcher).await;
                        sleep(UNDO_WINDOW).await;
                        dispatcher.dispatch(Action::UndoExpired(id));
                    }
                    Ok(_) => dispatcher.dispatch(Action::SaveFailed(t1("popup_save_failed", &unexpected().text()))),
                    Err(Failure::Locked) => on_locked.emit((Some(t("popup_locked_unsaved")), Some(form))),
                    Err(failure) => dispatcher.dispatch(Action::SaveFailed(t1("popup_save_failed", &failure.text()))),
                }
            });
        })
    };
    let on_submit = {
        let save = save.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            save();
        })
    };
    // Enter saves from anywhere in the form (Shift+Enter is a new line in the note); on a button
    // Enter keeps its own meaning.
    let on_keydown = {
        let save = save.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && !event.shift_key() && !event.is_composing() && target_tag(&event) != "BUTTON" {
                event.prevent_default();
                save();
            }
        })
    };
    let undo = {
        let (live, on_locked) = (live.clone(), props.on_locked.clone());
        Callback::from(move |_: MouseEvent| {
            let (dispatcher, status) = (live.dispatcher(), live.status.clone());
            let (SaveStatus::Saved { entry, form, undo: true } | SaveStatus::UndoFailed { entry, form, .. }) = &status else {
                return;
            };
            dispatcher.dispatch(Action::Undoing);
            let (dispatcher, entry, form, on_locked) = (dispatcher.clone(), (**entry).clone(), form.clone(), on_locked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call(Request::DeleteEntry { entry }).await {
                    Ok(Response::Done) => dispatcher.dispatch(Action::Undone),
                    Ok(_) => dispatcher.dispatch(Action::SaveFailed(unexpected().text())),
                    Err(Failure::Locked) => on_locked.emit((Some(t("popup_locked_meanwhile")), Some(form))),
                    Err(failure) => dispatcher.dispatch(Action::SaveFailed(failure.text())),
                }
            });
        })
    };

    let form = &state.form;
    let entries = state.entries.clone();
    let week: &[Entry] = entries.as_deref().map(Vec::as_slice).unwrap_or(&[]);
    let recent_regions = week.iter().flat_map(|e| e.regions.iter().map(|r| r.region.key().to_string()));
    let common_regions: Vec<String> = COMMON_REGIONS.iter().map(|r| r.key().to_string()).collect();
    let (first_regions, other_region_count, other_regions) = chip_lists(
        first_keys(recent_regions, &common_regions, &form.regions),
        Region::ALL.iter().map(|r| r.key()),
        region_label,
        state.all_regions,
    );
    let recent_qualities = week.iter().flat_map(|e| e.qualities.iter().map(|q| q.key().to_string()));
    let common_qualities: Vec<String> = COMMON_QUALITIES.iter().map(|q| q.key().to_string()).collect();
    let (first_qualities, other_quality_count, other_qualities) = chip_lists(
        first_keys(recent_qualities, &common_qualities, &form.qualities),
        Quality::ALL.iter().map(|q| q.key()),
        quality_label,
        state.all_qualities,
    );
    let remembered: Vec<&'static str> = EXTRAS
        .into_iter()
        .filter(|key| state.settings.as_ref().is_some_and(|s| s.used_extras.iter().any(|u| u == key)) || form.used_extras().contains(key))
        .collect();
    let shown_extras: Vec<&'static str> =
        EXTRAS.into_iter().filter(|key| state.more_open || remembered.contains(key)).collect();
    let mut recent_medications: Vec<String> = Vec::new();
    for name in week.iter().flat_map(|e| e.medications.iter().map(|m| m.name.clone())) {
        if !recent_medications.contains(&name) {
            recent_medications.push(name);
        }
    }

    let dispatch = |action: fn() -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: ()| dispatcher.dispatch(action()))
    };
    let (status_line, undo_button, alert) = match &state.status {
        SaveStatus::Idle => (String::new(), false, String::new()),
        SaveStatus::Saving => (t("popup_saving"), false, String::new()),
        SaveStatus::Saved { entry, undo, .. } => {
            let when = day_and_time(entry.occurred_at, entry.utc_offset_minutes, now);
            (t2("popup_saved", &entry.intensity.to_string(), &when), *undo, String::new())
        }
        SaveStatus::Undoing { .. } => (t("popup_undoing"), false, String::new()),
        SaveStatus::UndoFailed { why, .. } => (String::new(), true, t1("popup_undo_failed", why)),
        SaveStatus::Undone => (t("popup_undone"), false, String::new()),
        SaveStatus::Failed(why) => (String::new(), false, why.clone()),
        SaveStatus::Problem(problem) => (String::new(), false, t(problem.message_key())),
    };
    let saving = matches!(state.status, SaveStatus::Saving);

    html! {
        <div class="journal">
            if state.notice_open {
                <div class="notice" role="alert">
                    <p>{ failed_attempts_text(&props.failed_attempts, now) }</p>
                    <button type="button" class="quiet small" onclick={dispatch(|| Action::DismissNotice).reform(|_: MouseEvent| ())}>
                        { t("popup_dismiss") }
                    </button>
                </div>
            }
            if let Some(notice) = &props.notice {
                <p class="notice" role="status">{ notice.clone() }</p>
            }
            <form class="quick-log" aria-label={t("popup_new_entry")} onsubmit={on_submit} onkeydown={on_keydown} novalidate=true>
                <Intensity value={form.intensity} scale_ref={scale.clone()}
                    on_pick={edit.reform(FormEdit::Intensity)} />
                <Chips id="regions" legend={t("popup_where")} first={first_regions} rest_count={other_region_count} rest={other_regions}
                    selected={form.regions.clone()} expanded={state.all_regions} all_label={t("popup_all_regions")} fewer_label={t("popup_fewer_regions")}
                    on_toggle={edit.reform(FormEdit::ToggleRegion)} on_expand={dispatch(|| Action::ToggleAllRegions)} />
                <Chips id="qualities" legend={t("popup_feels_like")} first={first_qualities} rest_count={other_quality_count} rest={other_qualities}
                    selected={form.qualities.clone()} expanded={state.all_qualities} all_label={t("popup_all_qualities")} fewer_label={t("popup_fewer_qualities")}
                    on_toggle={edit.reform(FormEdit::ToggleQuality)} on_expand={dispatch(|| Action::ToggleAllQualities)} />
                <div class="field">
                    <label for="note">{ t("popup_note") }</label>
                    <textarea autocomplete="off" id="note" rows="2" value={form.note.clone()} aria-describedby="save-hint"
                        oninput={edit.reform(|e: InputEvent| FormEdit::Note(value_of(&e)))} />
                    <p class="field-hint" id="save-hint">{ t("popup_save_hint") }</p>
                </div>
                <WhenPicker value={form.when} on_edit={edit.clone()} />
                <Extras form={form.clone()} shown={shown_extras} recent_medications={recent_medications} on_edit={edit.clone()} />
                if remembered.len() < EXTRAS.len() {
                    <button type="button" class="link more-toggle" aria-expanded={state.more_open.to_string()}
                        onclick={dispatch(|| Action::ToggleMore).reform(|_: MouseEvent| ())}>
                        { if state.more_open { t("popup_hide_extras") } else { t("popup_more") } }
                    </button>
                }
                // Save, what became of the last save (and its Undo) and a refusal stay in sight
                // at the foot of a tall popup (popup.css): the form is taller than Chrome's 600 px.
                <div class="save-bar">
                    <button type="submit" class="primary" aria-disabled={saving.to_string()}>
                        if saving {
                            <span class="spinner" aria-hidden="true"></span>{ t("popup_saving") }
                        } else {
                            { t("popup_save") }
                        }
                    </button>
                    <div class="save-status" role="status">
                        <span>{ status_line }</span>
                        if undo_button {
                            <button type="button" class="quiet small" onclick={undo}>{ t("popup_undo") }</button>
                        }
                    </div>
                    <p class="error" role="alert">{ alert }</p>
                </div>
            </form>
            <Recent entries={entries} now={now} problem={state.list_problem.clone()} unreadable={state.unreadable.clone()} />
        </div>
    }
}
