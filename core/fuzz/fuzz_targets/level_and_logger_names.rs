//! Level names and numbers, syslog facility and severity names, and logger
//! names: the hierarchy rule (`.` and `::`) and the effective-level table.
//!
//! Properties: `Level::parse` accepts exactly Python's names (any case, with
//! surrounding white space) and the numbers 0 to 255, and every level's text
//! parses back to it; facility and severity names round-trip and a PRI never
//! exceeds 191; the logger table agrees with Python's walk up the dotted
//! hierarchy, done here the other way (cutting the name at each separator).
//!
//! Input lines: a level text, a level number, a facility name, a severity
//! name, the root level number, then settings `NAME NUMBER` (the last space
//! separates them) up to a line `?`, then logger names to look up.
#![no_main]

use emlog::filter::is_within;
use emlog::syslog::{Facility, Severity, encode_priority_names};
use emlog::{Level, Loggers, ParseLevelError};
use emlog_fuzz::{Lines, lend_static};
use libfuzzer_sys::fuzz_target;

struct Input<'a> {
    level_text: &'a str,
    number: u8,
    facility: &'a str,
    severity: &'a str,
    root: u8,
    settings: Vec<(&'a str, u8)>,
    names: Vec<&'a str>,
}

impl<'a> Input<'a> {
    fn read(text: &'a str) -> Input<'a> {
        let mut lines = Lines::new(text);
        let level_text = lines.text();
        let number = lines.number();
        let facility = lines.text();
        let severity = lines.text();
        let root = lines.number();
        let mut settings = Vec::new();
        while !lines.is_empty() {
            let line = lines.text();
            if line == "?" {
                break;
            }
            let (name, number) = line.rsplit_once(' ').unwrap_or((line, ""));
            settings.push((name, number.parse().unwrap_or_default()));
        }
        let mut names = Vec::new();
        while !lines.is_empty() {
            names.push(lines.text());
        }
        Input {
            level_text,
            number,
            facility,
            severity,
            root,
            settings,
            names,
        }
    }
}

const NAMES: [(&str, u8); 9] = [
    ("NOTSET", 0),
    ("TRACE", 5),
    ("DEBUG", 10),
    ("INFO", 20),
    ("WARNING", 30),
    ("WARN", 30),
    ("ERROR", 40),
    ("CRITICAL", 50),
    ("FATAL", 50),
];

/// The level `text` means, worked out independently of `Level::parse`.
fn expected_level(text: &str) -> Result<u8, ParseLevelError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseLevelError::Empty);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let digits = text.trim_start_matches('0');
        return match digits.len() {
            0 => Ok(0),
            1..=3 => u8::try_from(digits.parse::<u32>().unwrap_or(u32::MAX))
                .map_err(|_| ParseLevelError::OutOfRange),
            _ => Err(ParseLevelError::OutOfRange),
        };
    }
    // The table's names are upper case: compare with the text upper-cased.
    let upper = text.to_ascii_uppercase();
    NAMES
        .iter()
        .find(|(name, _)| *name == upper)
        .map(|&(_, n)| n)
        .ok_or(ParseLevelError::UnknownName)
}

const CAPACITY: usize = 6;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = Input::read(&text);
    // Level text.
    let parsed = Level::parse(input.level_text);
    assert_eq!(
        parsed.map(Level::number),
        expected_level(input.level_text),
        "{:?}",
        input.level_text
    );
    if let Err(err) = parsed {
        assert!(err.to_string().contains("expected"));
    }
    let level = Level::new(input.number);
    let text = level.to_string();
    match level.name() {
        Some(name) => {
            assert_eq!(text, name);
            assert_eq!(Level::parse(&text.to_ascii_lowercase()), Ok(level));
        }
        None => assert_eq!(text, format!("Level {}", input.number)),
    }
    assert_eq!(Level::parse(&input.number.to_string()), Ok(level));
    // Padding applies to the whole name, as Python's `%-10s` of getLevelName.
    assert_eq!(format!("{level:>12}"), format!("{text:>12}"));

    // Syslog names.
    let facility = Facility::from_name(input.facility);
    if let Some(f) = facility {
        assert_eq!(f.name(), input.facility);
        assert!(f.number() <= 23);
    }
    let severity = Severity::from_name(input.severity);
    if let Some(s) = severity {
        assert_eq!(Severity::from_name(input.severity), Some(s));
        assert!(s.number() <= 7);
    }
    let pri = encode_priority_names(input.facility, input.severity);
    assert_eq!(pri.is_some(), facility.is_some() && severity.is_some());
    if let Some(pri) = pri {
        assert!(pri <= 191, "PRI {pri} out of range");
        assert_eq!(pri >> 3, facility.map_or(0, Facility::number));
        assert_eq!(pri & 7, severity.map_or(0, Severity::number));
    }
    let n = input.number;
    assert_eq!(Facility::new(n).is_some(), n <= 23);
    assert_eq!(Severity::new(n).is_some(), n <= 7);
    if let Some(f) = Facility::new(n) {
        assert_eq!(Facility::from_name(f.name()), Some(f));
    }

    // Logger names: the table against a model of Python's rules.
    let mut loggers: Loggers<CAPACITY> = Loggers::new(Level::new(input.root));
    let mut model_root = input.root;
    let mut model: Vec<(&str, u8)> = Vec::new();
    for (name, number) in &input.settings {
        // SAFETY: `loggers` is dropped at the end of this run, before `text`.
        let name = unsafe { lend_static(name) };
        let result = loggers.set_level(name, Level::new(*number));
        if name.is_empty() || name == "root" {
            model_root = *number;
            assert!(result.is_ok());
            continue;
        }
        let at = model.iter().position(|&(n, _)| n == name);
        match (at, *number) {
            (Some(i), 0) => {
                model.remove(i);
                assert!(result.is_ok());
            }
            (Some(i), _) => {
                model[i].1 = *number;
                assert!(result.is_ok());
            }
            (None, 0) => assert!(result.is_ok()),
            (None, _) if model.len() == CAPACITY => {
                assert_eq!(result.map_err(|e| e.capacity), Err(CAPACITY))
            }
            (None, _) => {
                model.push((name, *number));
                assert!(result.is_ok());
            }
        }
    }
    assert_eq!(loggers.root_level().number(), model_root);
    let lowest = model.iter().map(|&(_, n)| n).fold(model_root, u8::min);
    assert_eq!(loggers.lowest().number(), lowest);

    let queries = input
        .names
        .iter()
        .copied()
        .chain(model.iter().map(|&(n, _)| n));
    for name in queries {
        let expected = ancestors(name)
            .find_map(|a| model.iter().find(|&&(n, _)| n == a).map(|&(_, l)| l))
            .unwrap_or(model_root);
        assert_eq!(
            loggers.effective_level(name).number(),
            expected,
            "effective level of {name:?}"
        );
        assert!(is_within(name, name));
        assert!(is_within(name, ""));
        for ancestor in ancestors(name) {
            assert!(is_within(name, ancestor), "{name:?} within {ancestor:?}");
        }
        for other in &input.names {
            let within = is_within(name, other);
            assert_eq!(
                within,
                other.is_empty() || ancestors(name).any(|a| a == *other),
                "is_within({name:?}, {other:?})"
            );
        }
    }
});

/// `name` and every ancestor of it, nearest first: the name cut before each
/// `.` and each `::`, from the right (Python's walk up the logger tree).
fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    let cuts = (0..name.len())
        .rev()
        .filter(|&i| name.is_char_boundary(i))
        .filter(|&i| name[i..].starts_with('.') || name[i..].starts_with("::"));
    core::iter::once(name).chain(cuts.map(|i| &name[..i]))
}
