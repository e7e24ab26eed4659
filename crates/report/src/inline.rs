//! Partials inlined into the page templates before registration. Handlebars clones the whole
//! page context for every `{{> partial}}` it renders (twice at once for a nested one), which for
//! a 10,000-domain dashboard is tens of MB per clone; inlined text renders the same bytes
//! against the context in place.

/// How deep partials may include partials; deeper includes are left to handlebars.
const MAX_DEPTH: usize = 4;

/// `text` with every standalone `{{> name}}` line (only whitespace around it) replaced by the
/// partial's text, each of its lines prefixed with the line's indent (as handlebars indents a
/// standalone partial). Other partial calls are left as they are.
pub(crate) fn inline_partials(text: &str, partials: &[(&str, &str)]) -> String {
    inline_at(text, partials, 0)
}

fn inline_at(text: &str, partials: &[(&str, &str)], depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        let rest = body.trim_start_matches([' ', '\t']);
        let indent = &body[..body.len() - rest.len()];
        let partial = rest
            .strip_prefix("{{>")
            .and_then(|r| r.strip_suffix("}}"))
            .map(str::trim)
            .and_then(|name| partials.iter().find(|(n, _)| *n == name));
        match partial {
            Some((_, partial)) if depth < MAX_DEPTH && line.ends_with('\n') => {
                let inlined = inline_at(partial, partials, depth + 1);
                for partial_line in inlined.split_inclusive('\n') {
                    out.push_str(indent);
                    out.push_str(partial_line);
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::inline_partials;

    #[test]
    fn standalone_partials_are_inlined_with_their_indent_and_nested() {
        let partials = [("outer", "<a>\n{{> inner}}\n</a>\n"), ("inner", "x\ny\n")];
        let page = "top\n  {{> outer}}\nbottom {{> inner}}\n";
        assert_eq!(
            inline_partials(page, &partials),
            "top\n  <a>\n  x\n  y\n  </a>\nbottom {{> inner}}\n"
        );
    }

    #[test]
    fn unknown_partials_are_left_to_handlebars() {
        let page = "{{> missing}}\n";
        assert_eq!(inline_partials(page, &[("other", "o\n")]), page);
    }
}
