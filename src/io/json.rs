//! JSON read into the engine's types with refusals a person can act on: the field's path (found by
//! `serde_path_to_error`), the value given and what the field takes, in words, without serde's
//! Rust type names or the line and column of a JSON text nobody typed.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;

/// `text` as a `T`; `what` (e.g. "settings") starts a refusal's message.
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        let said = without_position(&e.inner().to_string());
        Error::new(format!("{what}: {}", refusal(&path, &said)))
    })
}

/// serde_json's message without its " at line L column C".
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// serde's message at `path` said as "path: value is not what it takes".
fn refusal(path: &str, said: &str) -> String {
    if let Some(rest) = said.strip_prefix("unknown field `") {
        let (field, known) = rest.split_once('`').unwrap_or((rest, ""));
        let near =
            known.split('`').skip(1).step_by(2).find(|k| edit_distance(&k.to_lowercase(), &field.to_lowercase()) <= 2);
        return match near {
            Some(k) => format!("{field} is not known here (did you mean {k}?)"),
            None => format!("{field} is not known here"),
        };
    }
    if let Some(rest) = said.strip_prefix("unknown variant `") {
        let (given, expected) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        return format!("{path}: \"{given}\" is not {}", in_words(expected));
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((given, expected)) = said.strip_prefix(prefix).and_then(|rest| rest.split_once(", expected ")) {
            let at = if path == "." { String::new() } else { format!("{path}: ") };
            return format!("{at}{} is not {}", value_of(given), in_words(expected));
        }
    }
    if said.starts_with("data did not match any variant") {
        return format!("{path}: the value given is not one this setting takes");
    }
    format!("{path}: {said}")
}

/// Levenshtein distance: letters changed, added or dropped to turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut next = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            next.push((row[j + 1] + 1).min(next[j] + 1).min(row[j] + usize::from(ca != cb)));
        }
        row = next;
    }
    row[b.len()]
}

/// serde's "integer `-64`", "floating point `2.5`", "string \"x\"" as the value itself.
fn value_of(given: &str) -> String {
    let quoted = given.split_once('`').map(|(_, rest)| rest.trim_end_matches('`'));
    match (given.split(' ').next(), quoted) {
        (Some("integer" | "floating" | "boolean"), Some(value)) => value.to_string(),
        (Some("string"), _) => given.trim_start_matches("string ").to_string(),
        (Some("sequence"), _) => "a list".into(),
        (Some("map"), _) => "an object".into(),
        _ => given.to_string(),
    }
}

/// What serde expected, in words: "usize" is "a whole number ≥ 0".
fn in_words(expected: &str) -> String {
    match expected {
        "usize" | "u64" | "u16" | "u8" => "a whole number ≥ 0".into(),
        "u32" => "a whole number from 0 to 4294967295".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list".into(),
        _ if expected.starts_with("struct ") => "an object of named values".into(),
        _ if expected.starts_with("one of ") || expected.starts_with('`') => {
            format!("one of {}", expected.trim_start_matches("one of ").replace("` or `", ", ").replace('`', ""))
        }
        _ => expected.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn refused(json: &str) -> String {
        from_json::<Config>(json, "settings").unwrap_err().message
    }

    #[test]
    fn refusals_name_the_field_the_value_and_what_it_takes() {
        let cases = [
            (r#"{"batchSize": -64}"#, "settings: batchSize: -64 is not a whole number ≥ 0"),
            (r#"{"learningRate": null}"#, "settings: learningRate: null is not a number"),
            (r#"{"seed": 2.5}"#, "settings: seed: 2.5 is not a whole number from 0 to 4294967295"),
            (r#"{"tied": "yes"}"#, "settings: tied: \"yes\" is not true or false"),
            (r#"{"hidden": [64, -1]}"#, "settings: hidden[1]: -1 is not a whole number ≥ 0"),
            (r#"{"hidden": 8}"#, "settings: hidden: 8 is not a list"),
            (r#"{"optimizer": "rmsprop"}"#, "settings: optimizer: \"rmsprop\" is not one of sgd, adam"),
            (r#"{"batchsize": 64}"#, "settings: batchsize is not known here (did you mean batchSize?)"),
            (r#"{"zzz": 1}"#, "settings: zzz is not known here"),
            ("5", "settings: 5 is not an object of named values"),
        ];
        for (json, message) in cases {
            assert_eq!(refused(json), message, "{json}");
        }
        for (json, _) in cases {
            assert!(!refused(json).contains("line"), "no line and column: {}", refused(json));
        }
    }

    #[test]
    fn good_json_reads_as_before() {
        let config: Config = from_json(r#"{"batchSize": 32, "hidden": [64, 8]}"#, "settings").unwrap();
        assert_eq!((config.batch_size, config.hidden), (32, vec![64, 8]));
    }
}
