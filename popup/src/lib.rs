//! Sotto's popup: set up, unlock and log in seconds. It talks only to the worker, through
//! `sotto_glue::client`; it never sees key material.
//!
//! [`App`] owns which screen is showing and moves between them; each screen owns its own form.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use form::{Draft, LogForm};
use i18n::t;
use sotto_glue::events::on_worker_event;
use sotto_glue::protocol::{LockReason, Request, Response, VaultState, WorkerEvent};
use wasm_bindgen::prelude::*;
use worker::{call, unexpected, Failure};
use yew::prelude::*;

mod chips;
mod clock;
mod dom;
mod drafts;
mod extras;
mod form;
mod i18n;
mod intensity;
mod journal;
mod passphrase;
mod recent;
mod recovery;
mod setup;
mod strength;
mod topbar;
mod unlock;
mod when;
mod worker;

/// Which screen the popup shows.
#[derive(Clone, PartialEq)]
enum Screen {
    /// Waiting for the worker's first answer (a few milliseconds; nothing is drawn yet).
    Connecting,
    /// The worker could not be reached or understood; in words.
    Broken(String),
    /// First run: choose a passphrase.
    Setup,
    /// The journal was just created: show the recovery code until the user confirms it.
    Recovery { code: Rc<str> },
    /// The lock screen. `note` says why it is showing now; `kept` is a form the popup could not
    /// save because the journal locked meanwhile (kept in this page's memory only).
    Locked { note: Option<String>, kept: Option<LogForm> },
    /// The quick log.
    Journal { failed_attempts: Rc<Vec<i64>>, notice: Option<String>, form: Option<LogForm> },
    /// Vanish was pressed: nothing is drawn while the worker locks and closes everything.
    Gone,
}

/// The first screen. Usually the journal is open when someone logs, and then the draft the
/// worker keeps for us is the only answer needed, and popup-first.js asked for it while the page
/// loaded. Any other answer (locked, no journal yet, a draft it could not give) asks for the
/// status, which says which.
async fn first_screen() -> Screen {
    // popup-first.js asked already, while the page loaded.
    let first = match worker::take_first_question() {
        Some(sent) => worker::answer_of(sent).await,
        None => call(Request::GetDraft).await,
    };
    if let Ok(Response::Draft { draft }) = first {
        return match Draft::from_json(draft) {
            Some(Draft::RecoveryPending { recovery_code }) => Screen::Recovery { code: recovery_code.into() },
            Some(Draft::Log { form }) => journal_screen(Vec::new(), None, Some(form)),
            None => journal_screen(Vec::new(), None, None),
        };
    }
    match call(Request::Status).await {
        Ok(Response::Status { state: VaultState::NoVault }) => Screen::Setup,
        Ok(Response::Status { state: VaultState::Locked }) | Err(Failure::Locked) => Screen::Locked { note: None, kept: None },
        // A draft is a convenience: without it the journal still opens.
        Ok(Response::Status { state: VaultState::Unlocked }) => journal_screen(Vec::new(), None, None),
        Ok(_) => Screen::Broken(unexpected().text()),
        Err(failure) => Screen::Broken(failure.text()),
    }
}

/// What the lock screen says when the worker locked on its own while the popup was open, and
/// whether the form being typed is kept (in this page's memory only) for after unlocking: yes
/// when a timer or the system locked it, no when a person chose to lock or vanish.
fn lock_note(reason: LockReason) -> (Option<String>, bool) {
    let key = match reason {
        LockReason::Inactivity => "popup_locked_inactivity",
        LockReason::SystemIdle => "popup_locked_system_idle",
        LockReason::ScreenLocked => "popup_locked_screen_locked",
        LockReason::WorkerRestarted => "popup_locked_restarted",
        _ => return (None, false),
    };
    (Some(t(key)), true)
}

fn journal_screen(failed_attempts: Vec<i64>, notice: Option<String>, form: Option<LogForm>) -> Screen {
    Screen::Journal { failed_attempts: Rc::new(failed_attempts), notice, form }
}

/// The first screen, asked for before anything is drawn (see [`start`]).
#[derive(Properties, PartialEq)]
struct AppProps {
    /// Known already: drawn at once.
    first: Option<Screen>,
    /// Still on its way: the popup shows "Connecting…" until it comes.
    asking: Asking,
}

/// The first question, still waiting for its answer (taken once by the app).
#[derive(Clone, Default)]
struct Asking(Rc<std::cell::RefCell<Option<FirstScreen>>>);

/// The answer to the first question, as the screen it leads to.
type FirstScreen = Pin<Box<dyn Future<Output = Screen>>>;

impl PartialEq for Asking {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[component(App)]
fn app(props: &AppProps) -> Html {
    let screen = use_state(|| props.first.clone().unwrap_or(Screen::Connecting));
    let lock_failure = use_state(|| None::<String>);
    // The screen as of this render, for the worker-event listener installed once below.
    let showing = use_mut_ref(|| Screen::Connecting);
    *showing.borrow_mut() = (*screen).clone();
    // The quick-log form as last rendered, written by the journal screen.
    let typed: Rc<std::cell::RefCell<LogForm>> = use_mut_ref(LogForm::default);
    {
        let (screen, typed, asking) = (screen.clone(), typed.clone(), props.asking.clone());
        use_effect_with((), move |_| {
            if let Some(answer) = asking.0.borrow_mut().take() {
                let first = screen.clone();
                wasm_bindgen_futures::spawn_local(async move { first.set(answer.await) });
            }
            // The worker locked (timer, idle, screen lock, another page): the lock screen at
            // once, over whatever was showing of the journal. Its drafts are gone with the key.
            on_worker_event(move |event| {
                if let WorkerEvent::Locked { reason } = event {
                    let showing = showing.borrow().clone();
                    let (note, keep) = lock_note(reason);
                    match showing {
                        Screen::Journal { .. } => {
                            let form = typed.borrow().clone();
                            let kept = (keep && !form.is_empty()).then_some(form);
                            screen.set(Screen::Locked { note, kept });
                        }
                        Screen::Recovery { .. } => screen.set(Screen::Locked { note, kept: None }),
                        _ => {}
                    }
                }
            });
        });
    }

    let on_vanish = {
        let screen = screen.clone();
        Callback::from(move |_: ()| {
            // Hide everything first, then ask the worker: what is on screen goes at once.
            screen.set(Screen::Gone);
            wasm_bindgen_futures::spawn_local(topbar::vanish());
        })
    };
    let on_created = {
        let screen = screen.clone();
        Callback::from(move |code: String| screen.set(Screen::Recovery { code: code.into() }))
    };
    let on_recovery_confirmed = {
        let screen = screen.clone();
        Callback::from(move |_: ()| screen.set(journal_screen(Vec::new(), None, None)))
    };
    let on_unlocked = {
        let screen = screen.clone();
        let kept = match &*screen {
            Screen::Locked { kept, .. } => kept.clone(),
            _ => None,
        };
        Callback::from(move |(failed_attempts, notice): (Vec<i64>, Option<String>)| {
            screen.set(journal_screen(failed_attempts, notice, kept.clone()))
        })
    };
    let on_locked = {
        let screen = screen.clone();
        Callback::from(move |(note, kept): (Option<String>, Option<LogForm>)| screen.set(Screen::Locked { note, kept }))
    };

    let body = match &*screen {
        Screen::Connecting | Screen::Gone => html! {},
        Screen::Broken(why) => html! {
            <section class="screen">
                <p class="error" role="alert">{ why.clone() }</p>
            </section>
        },
        Screen::Setup => html! { <setup::Setup on_created={on_created} /> },
        Screen::Recovery { code } => html! { <recovery::Recovery code={code.clone()} on_confirmed={on_recovery_confirmed} /> },
        Screen::Locked { note, kept } => html! {
            <unlock::Unlock note={note.clone()} keeps_form={kept.is_some()} on_unlocked={on_unlocked} />
        },
        Screen::Journal { failed_attempts, notice, form } => html! {
            <journal::Journal
                failed_attempts={failed_attempts.clone()}
                notice={notice.clone()}
                initial_form={form.clone()}
                typed={typed.clone()}
                on_locked={on_locked.clone()}
            />
        },
    };
    let unlocked = matches!(&*screen, Screen::Journal { .. });
    let lock = unlocked.then(|| {
        let (screen, lock_failure) = (screen.clone(), lock_failure.clone());
        Callback::from(move |_: ()| {
            let (screen, lock_failure) = (screen.clone(), lock_failure.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call(Request::Lock).await {
                    Ok(Response::Status { .. }) | Err(Failure::Locked) => {
                        lock_failure.set(None);
                        screen.set(Screen::Locked { note: None, kept: None });
                    }
                    // Never show a lock screen over a journal that is still open.
                    Ok(_) => lock_failure.set(Some(unexpected().text())),
                    Err(failure) => lock_failure.set(Some(i18n::t1("popup_lock_failed", &failure.text()))),
                }
            });
        })
    });
    let busy = matches!(&*screen, Screen::Connecting);
    html! {
        <>
            if !matches!(&*screen, Screen::Gone) {
                <topbar::TopBar on_vanish={on_vanish} on_lock={lock} history={unlocked} />
            }
            <main aria-busy={busy.to_string()}>
                if let Some(why) = &*lock_failure {
                    <p class="error" role="alert">{ why.clone() }</p>
                }
                if busy {
                    <p class="connecting">{ t("popup_connecting") }</p>
                }
                { body }
            </main>
        </>
    }
}

/// How long the popup waits for the worker's first answer before it says "Connecting…": under
/// what a person notices, over what a running worker takes while the page loads (1–4 ms here).
const CONNECTING_AFTER: std::time::Duration = std::time::Duration::from_millis(50);

#[wasm_bindgen(start)]
pub fn start() {
    dom::mark("sotto:start"); // the Wasm is compiled and running (the open-to-ready benchmark's breakdown)
    wasm_bindgen_futures::spawn_local(async move {
        // popup.js starts this module while the page is still loading: the screen is drawn into
        // #app once the document is parsed and its styles are in.
        dom::document_ready().await;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(root) = document.get_element_by_id("app") else { return };
        // What the first screen does not need waits for the task after it is drawn.
        wasm_bindgen_futures::spawn_local(async move {
            yew::platform::time::sleep(std::time::Duration::ZERO).await;
            sotto_glue::vanish::install(); // Shift ×3 vanishes; the page closes when Vanish runs (worker, issue 4)
            // popup.html's <title> is the English fallback; extension pages get no __MSG_ substitution.
            document.set_title(&t("popup_title"));
        });
        // popup.js asked while the page loaded; the answer is usually here, or ~1 ms away (the
        // page's main thread is still busy with the Wasm when it arrives). The first screen is
        // drawn once it is, with no "Connecting…" drawn and replaced first (that used to happen on
        // most opens: one more render and often one more frame before the form). Only a worker
        // slower than CONNECTING_AFTER (one being started) gets "Connecting…" until it answers.
        let mut asking: Pin<Box<dyn Future<Output = Screen>>> = Box::pin(async {
            let screen = first_screen().await;
            dom::mark("sotto:answer"); // the worker's first answer (the benchmark's breakdown)
            screen
        });
        let mut too_slow = Box::pin(yew::platform::time::sleep(CONNECTING_AFTER));
        let first = std::future::poll_fn(|cx| match asking.as_mut().poll(cx) {
            Poll::Ready(screen) => Poll::Ready(Some(screen)),
            Poll::Pending => too_slow.as_mut().poll(cx).map(|_| None),
        })
        .await;
        let props = match first {
            Some(screen) => AppProps { first: Some(screen), asking: Asking::default() },
            None => AppProps { first: None, asking: Asking(Rc::new(std::cell::RefCell::new(Some(asking)))) },
        };
        yew::Renderer::<App>::with_root_and_props(root, props).render();
    });
}
