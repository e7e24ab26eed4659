//! How a group's domain counts are worded for readers: a domain on the exclude list is "not
//! scanned at its owner's request", never "could not be scored".

use govscan_model::GroupScore;

/// A group's unscored domains, split: (could not be scored, not scanned at their owners'
/// request). The excluded ones are among the unscored (`GroupScore::domains_excluded`).
pub fn unscored_split(group: &GroupScore) -> (u32, u32) {
    split(group.domains, group.domains_scored, group.domains_excluded)
}

fn split(checked: u32, scored: u32, excluded: u32) -> (u32, u32) {
    let unscored = checked.saturating_sub(scored);
    let excluded = excluded.min(unscored);
    (unscored - excluded, excluded)
}

/// "its owner's" or "their owners'", for `n` excluded domains.
pub fn owners(n: u32) -> &'static str {
    if n == 1 {
        "its owner's"
    } else {
        "their owners'"
    }
}

/// "13 checked, 12 scored, 1 could not be scored" for a group.
pub fn counts_text(group: &GroupScore) -> String {
    counts_phrase(group.domains, group.domains_scored, group.domains_excluded)
}

/// "13 checked, 12 scored, 1 could not be scored, 2 not scanned at their owners' request":
/// `checked` domains in all, `scored` of them with a score, `excluded` of the unscored on the
/// exclude list. A part that counts nothing is left out.
pub fn counts_phrase(checked: u32, scored: u32, excluded: u32) -> String {
    let (unscored, excluded) = split(checked, scored, excluded);
    let mut text = format!("{checked} checked, {scored} scored");
    if unscored > 0 {
        text.push_str(&format!(", {unscored} could not be scored"));
    }
    if excluded > 0 {
        text.push_str(&format!(
            ", {excluded} not scanned at {} request",
            owners(excluded)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::counts_phrase;

    #[test]
    fn excluded_domains_are_never_counted_as_could_not_be_scored() {
        assert_eq!(counts_phrase(3, 3, 0), "3 checked, 3 scored");
        assert_eq!(
            counts_phrase(3, 2, 1),
            "3 checked, 2 scored, 1 not scanned at its owner's request"
        );
        assert_eq!(
            counts_phrase(5, 1, 2),
            "5 checked, 1 scored, 2 could not be scored, 2 not scanned at their owners' request"
        );
        // More excluded than unscored (an inconsistent input) never underflows.
        assert_eq!(counts_phrase(2, 2, 1), "2 checked, 2 scored");
    }
}
