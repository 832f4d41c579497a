//! A simple, honest passphrase strength estimate that explains itself.
//!
//! No dictionary is downloaded or bundled: the estimate follows the shape of the old NIST
//! SP 800-63 heuristic (the first characters are worth more than later ones; variety of symbols
//! adds only a little), discounts repeated and sequential characters, knows a handful of the most
//! common passwords, and credits separate words. It deliberately rewards length over symbols,
//! because that is what makes a passphrase both strong and memorable.

/// The shortest passphrase Sotto accepts.
pub const MIN_CHARS: usize = 8;

/// How a passphrase rates, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Empty,
    TooShort,
    /// One of the passwords every guesser tries first.
    Common,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

impl Level {
    /// Whether Sotto lets the user create a journal with it (weak ones are allowed but explained).
    pub fn acceptable(self) -> bool {
        self >= Level::Weak
    }

    /// 0–4 for the strength bar.
    pub fn bars(self) -> u8 {
        match self {
            Level::Empty => 0,
            Level::TooShort | Level::Common => 1,
            Level::Weak => 1,
            Level::Fair => 2,
            Level::Strong => 3,
            Level::VeryStrong => 4,
        }
    }

    /// The message key of its name ("Weak", …) and of its explanation.
    pub fn message_keys(self) -> (&'static str, &'static str) {
        match self {
            Level::Empty => ("popup_strength_empty", "popup_strength_empty_hint"),
            Level::TooShort => ("popup_strength_too_short", "popup_strength_too_short_hint"),
            Level::Common => ("popup_strength_common", "popup_strength_common_hint"),
            Level::Weak => ("popup_strength_weak", "popup_strength_weak_hint"),
            Level::Fair => ("popup_strength_fair", "popup_strength_fair_hint"),
            Level::Strong => ("popup_strength_strong", "popup_strength_strong_hint"),
            Level::VeryStrong => ("popup_strength_very_strong", "popup_strength_very_strong_hint"),
        }
    }
}

/// Passwords that appear at the top of every leaked-password list; a guesser tries them first.
const COMMON: &[&str] = &[
    "password", "passphrase", "qwertyuiop", "qwerty", "azerty", "iloveyou", "letmein", "welcome", "sunshine",
    "princess", "football", "baseball", "dragon", "monkey", "trustno1", "changeme", "secret", "sotto",
    "abcdefgh", "abc123", "admin", "master", "superman", "starwars", "whatever", "freedom", "1q2w3e4r",
];

/// The estimate: roughly how many bits of guessing it would take, and the resulting level.
pub fn estimate(passphrase: &str) -> (u32, Level) {
    let chars: Vec<char> = passphrase.chars().collect();
    if chars.is_empty() {
        return (0, Level::Empty);
    }
    if chars.len() < MIN_CHARS {
        return (bits_for(&chars), Level::TooShort);
    }
    if is_common(passphrase) {
        return (10, Level::Common);
    }
    let bits = bits_for(&chars);
    let level = match bits {
        0..30 => Level::Weak,
        30..40 => Level::Fair,
        40..55 => Level::Strong,
        _ => Level::VeryStrong,
    };
    (bits, level)
}

/// A common password, possibly with digits or punctuation stuck on the end ("Password123!").
fn is_common(passphrase: &str) -> bool {
    let lower = passphrase.to_lowercase();
    let core = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let core = core.trim_start_matches(|c: char| !c.is_alphabetic());
    let all_digits = lower.chars().all(|c| c.is_ascii_digit());
    all_digits && has_no_variety(&lower) || COMMON.contains(&core) || COMMON.contains(&lower.as_str())
}

/// "11111111", "12345678": every step the same.
fn has_no_variety(text: &str) -> bool {
    let chars: Vec<u32> = text.chars().map(u32::from).collect();
    chars.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1 || w[0] == w[1] + 1)
}

fn bits_for(chars: &[char]) -> u32 {
    // NIST-style, in quarter bits: the first character 4 bits, the next seven 2 bits each, the
    // next twelve 1.5, then 1. A repeat or a step of one (aaa, abc, 123) is worth half.
    let mut quarter_bits = 0u32;
    for (i, &c) in chars.iter().enumerate() {
        let weight = match i {
            0 => 16,
            1..=7 => 8,
            8..=19 => 6,
            _ => 4,
        };
        let predictable = i > 0 && {
            let (prev, this) = (u32::from(chars[i - 1]), u32::from(c));
            this == prev || this == prev + 1 || prev == this + 1
        };
        quarter_bits += if predictable { weight / 2 } else { weight };
    }
    let mut bits = quarter_bits / 4;
    // A little for variety of symbols: far less than another word would add.
    let has_upper = chars.iter().any(|c| c.is_uppercase());
    let has_other = chars.iter().any(|c| !c.is_alphabetic() && !c.is_whitespace());
    if has_upper && has_other {
        bits += 4;
    }
    // Several separate words: each a choice among thousands, even when not chosen at random.
    let words = count_words(chars);
    if words >= 3 {
        bits = bits.max(words * 11);
    }
    bits
}

fn count_words(chars: &[char]) -> u32 {
    let text: String = chars.iter().collect();
    let mut distinct: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '.' || c == ',') {
        let word = word.to_lowercase();
        if word.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !distinct.contains(&word) {
            distinct.push(word);
        }
    }
    u32::try_from(distinct.len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_beats_symbols() {
        let (symbols, _) = estimate("Tr0ub4d&");
        let (words, level) = estimate("correct horse battery staple");
        assert!(words > symbols + 10, "four words {words} vs eight symbols {symbols}");
        assert!(level >= Level::Strong);
    }

    #[test]
    fn short_common_and_repetitive_are_called_out() {
        assert_eq!(estimate("").1, Level::Empty);
        assert_eq!(estimate("abc").1, Level::TooShort);
        assert_eq!(estimate("Password123!").1, Level::Common);
        assert_eq!(estimate("12345678").1, Level::Common);
        assert_eq!(estimate("11111111").1, Level::Common);
        assert!(estimate("aaaaaaaaaaaa").1 <= Level::Weak);
        assert!(!Level::Common.acceptable());
        assert!(Level::Weak.acceptable());
    }

    #[test]
    fn more_words_more_strength() {
        let two = estimate("purple elephant").0;
        let three = estimate("purple elephant kettle").0;
        let five = estimate("purple elephant kettle on saturn mornings").0;
        assert!(two < three && three < five, "{two} {three} {five}");
        assert_eq!(estimate("purple elephant kettle on saturn mornings").1, Level::VeryStrong);
    }

    #[test]
    fn a_repeated_word_counts_once() {
        assert!(estimate("kettle kettle kettle kettle").0 < estimate("kettle purple saturn morning").0);
    }
}
