//! The worker's words in the page's language: both pages show errors and notices the worker
//! wrote through this one helper, so they read the same in the popup and the options page.

use crate::chrome;
use crate::client::ClientError;
use crate::protocol::Wording;

/// `wording` in the user's language; `english` (the worker's own sentence) when the wording is
/// empty (a worker from before wordings) or this build's locales lack its key (a newer worker).
pub fn localized(wording: &Wording, english: &str) -> String {
    if wording.key.is_empty() {
        return english.to_string();
    }
    let args: Vec<&str> = wording.args.iter().map(String::as_str).collect();
    chrome::lookup(&wording.key, &args).unwrap_or_else(|| english.to_string())
}

/// The notices of an `Unlocked` answer in the user's language: `problems` (English) and
/// `problem_wordings` go in the same order; a worker from before wordings sends none.
pub fn problem_texts(problems: Vec<String>, wordings: &[Wording]) -> Vec<String> {
    problems
        .into_iter()
        .enumerate()
        .map(|(i, english)| match wordings.get(i) {
            Some(wording) => localized(wording, &english),
            None => english,
        })
        .collect()
}

/// Why the page got no answer, in the user's language.
pub fn client_error_text(error: &ClientError) -> String {
    localized(&error.wording(), &error.to_string())
}

/// `wording` rendered from the text of a `messages.json` as Chrome renders it (`$NAME$` → its
/// placeholder's `content`, `$1`… → the substitutions): for native tests that check the worker's
/// keys exist, take as many substitutions as they are given, and read as its English sentence.
pub fn render(messages: &serde_json::Value, wording: &Wording) -> Result<String, String> {
    let entry = messages.get(&wording.key).ok_or_else(|| format!("{} is not in messages.json", wording.key))?;
    let mut text = entry["message"].as_str().ok_or_else(|| format!("{} has no message", wording.key))?.to_string();
    let mut used = std::collections::BTreeSet::new();
    if let Some(placeholders) = entry.get("placeholders").and_then(|p| p.as_object()) {
        for (name, placeholder) in placeholders {
            let content = placeholder["content"].as_str().unwrap_or_default();
            let index: usize = content
                .strip_prefix('$')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("{}: placeholder {name} is not $1…$9", wording.key))?;
            let arg = wording.args.get(index - 1).ok_or_else(|| format!("{}: ${index} but {} argument(s)", wording.key, wording.args.len()))?;
            used.insert(index);
            // Chrome matches placeholder names in any case.
            text = text.replace(&format!("${}$", name.to_uppercase()), arg).replace(&format!("${name}$"), arg);
        }
    }
    if used.len() != wording.args.len() {
        return Err(format!("{}: {} placeholder(s) for {} argument(s)", wording.key, used.len(), wording.args.len()));
    }
    if text.contains('$') {
        return Err(format!("{}: an unresolved $ in {text:?}", wording.key));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{check_version, Envelope, Request, Response, PROTOCOL_VERSION};

    fn messages() -> serde_json::Value {
        serde_json::from_str(include_str!("../../extension/_locales/en/messages.json")).expect("messages.json is JSON")
    }

    #[test]
    fn the_pages_own_error_sentences_are_in_the_locale_as_they_were() {
        let messages = messages();
        for error in [ClientError::Unreachable("Receiving end does not exist.".into()), ClientError::Unreadable("missing field `v`".into())] {
            assert_eq!(render(&messages, &error.wording()), Ok(error.to_string()));
        }
        let stale = Envelope { v: PROTOCOL_VERSION + 1, body: Request::Status };
        let Err(Response::Error { message, key, args, .. }) = check_version(&stale) else { panic!("no refusal") };
        assert_eq!(render(&messages, &Wording { key, args }), Ok(message));
    }

    #[test]
    fn a_wording_with_the_wrong_number_of_arguments_is_caught() {
        let messages = messages();
        assert!(render(&messages, &Wording::new("error_worker_unreachable", vec![])).is_err());
        assert!(render(&messages, &Wording::new("error_worker_unreachable", vec!["a".into(), "b".into()])).is_err());
        assert!(render(&messages, &Wording::new("error_no_such_key", vec![])).is_err());
    }
}
