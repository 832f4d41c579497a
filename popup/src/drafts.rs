//! The quick-log form kept as a draft in the worker's memory while it is typed: a popup closes on
//! any click outside it, so every change goes at once, and while one is on its way only the
//! newest waiting one follows it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::form::{Draft, LogForm};
use crate::i18n::t;
use crate::worker::{call, Failure};
use sotto_glue::protocol::Request;
use yew::Callback;

#[derive(Default)]
struct Outbox {
    /// The form last handed over (sent or waiting): the same one again is not sent twice.
    last: Option<LogForm>,
    waiting: Option<LogForm>,
    sending: bool,
}

/// One per journal screen; cheap to clone (one shared outbox).
#[derive(Clone)]
pub struct DraftOutbox {
    inner: Rc<RefCell<Outbox>>,
    /// The journal locked meanwhile: the note to show, and the form to keep.
    on_locked: Callback<(Option<String>, Option<LogForm>)>,
}

impl DraftOutbox {
    /// `arrived` is the form the screen starts with (the worker's own draft): nothing to send.
    pub fn new(arrived: LogForm, on_locked: Callback<(Option<String>, Option<LogForm>)>) -> DraftOutbox {
        let outbox = Outbox { last: Some(arrived), ..Outbox::default() };
        DraftOutbox { inner: Rc::new(RefCell::new(outbox)), on_locked }
    }

    /// Hands the form as it is now to the worker (an empty form clears the draft).
    pub fn offer(&self, form: &LogForm) {
        let mut outbox = self.inner.borrow_mut();
        if outbox.last.as_ref() == Some(form) {
            return;
        }
        outbox.last = Some(form.clone());
        outbox.waiting = Some(form.clone());
        if outbox.sending {
            return;
        }
        outbox.sending = true;
        drop(outbox);
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move { this.send_waiting().await });
    }

    async fn send_waiting(self) {
        loop {
            let next = self.inner.borrow_mut().waiting.take();
            let Some(form) = next else { break };
            let draft = if form.is_empty() { serde_json::Value::Null } else { Draft::Log { form: form.clone() }.to_json() };
            if let Err(Failure::Locked) = call(Request::SetDraft { draft }).await {
                self.inner.borrow_mut().waiting = None;
                let kept = (!form.is_empty()).then_some(form);
                self.on_locked.emit((Some(t("popup_locked_meanwhile")), kept));
                break;
            }
        }
        self.inner.borrow_mut().sending = false;
    }
}
