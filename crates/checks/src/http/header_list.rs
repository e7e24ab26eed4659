//! Fetch's "get, decode, and split" of a header (Fetch Living Standard §2.2.2 header lists):
//! every field of that name, in order, joined with ", ", then split on commas outside quoted
//! strings, each value stripped of spaces and tabs. Browsers read X-Frame-Options and
//! X-Content-Type-Options this way, so two identical headers and one header with the value
//! repeated after a comma are the same thing.

use govscan_model::HttpExchange;

/// The split values of header `name`, or `None` when the response has no such header.
pub(crate) fn get_decode_split(exchange: &HttpExchange, name: &str) -> Option<Vec<String>> {
    let fields: Vec<&str> = exchange.header_values(name).collect();
    if fields.is_empty() {
        return None;
    }
    Some(split(&fields.join(", ")))
}

/// "Split" a header value (Fetch §2.2.2 "get, decode, and split", steps 3 onwards). A quoted
/// string is kept with its quotes and escapes, as the standard's "extract-value false" does.
fn split(value: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                current.push('"');
                while let Some(q) = chars.next() {
                    current.push(q);
                    match q {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                current.push(escaped);
                            }
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            ',' => values.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    values.push(current);
    values
        .into_iter()
        .map(|v| v.trim_matches([' ', '\t']).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::HttpHeader;
    use proptest::prelude::*;

    fn exchange(headers: &[(&str, &str)]) -> HttpExchange {
        HttpExchange {
            url: "https://example.test/".into(),
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| HttpHeader {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
            body_len: 0,
            body_truncated: false,
            body_text: None,
        }
    }

    #[test]
    fn joins_fields_and_splits_on_commas() {
        let one = exchange(&[("x-frame-options", "DENY, DENY")]);
        let two = exchange(&[("X-Frame-Options", "DENY"), ("x-frame-options", " DENY\t")]);
        assert_eq!(
            get_decode_split(&one, "x-frame-options"),
            Some(vec!["DENY".into(), "DENY".into()])
        );
        assert_eq!(
            get_decode_split(&one, "x-frame-options"),
            get_decode_split(&two, "x-frame-options")
        );
        assert_eq!(get_decode_split(&one, "x-content-type-options"), None);
    }

    #[test]
    fn quoted_strings_keep_their_commas_and_quotes() {
        assert_eq!(split(r#"a, "b, c", d"#), ["a", r#""b, c""#, "d"]);
        assert_eq!(split(r#""x\"y,z""#), [r#""x\"y,z""#]);
        assert_eq!(
            split(r#""unterminated, still one"#),
            [r#""unterminated, still one"#]
        );
        assert_eq!(split(""), [""]);
        assert_eq!(split(","), ["", ""]);
    }

    proptest! {
        #[test]
        fn values_without_quotes_round_trip(values in prop::collection::vec("[a-zA-Z0-9=;-]{0,12}", 1..6)) {
            prop_assert_eq!(split(&values.join(", ")), values);
        }

        #[test]
        fn arbitrary_values_never_panic(text in ".{0,200}") {
            let parts = split(&text);
            prop_assert!(!parts.is_empty());
            prop_assert!(parts.len() <= text.matches(',').count() + 1);
        }
    }
}
