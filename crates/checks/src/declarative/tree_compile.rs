//! Validation of rule trees, declared parameters and message templates; every error names
//! the file and the line of the offending value.

use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::compile::Validator;
use super::params::ParamDecl;
use super::schema::RawNode;
use super::sources::{CertField, HttpField, HttpTarget, MailField, Source, TlsField};
use super::tree::{Leaf, Matcher, Node, NumOp, Quantifier};

/// Deepest accepted tree, and most leaves in one rule.
const MAX_DEPTH: usize = 8;
const MAX_LEAVES: usize = 64;
/// Record types a `dns` leaf may ask for.
pub(super) const DNS_TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TLSA", "TXT",
];

/// What a tree compiler needs to know besides the node.
pub(super) struct TreeContext<'a> {
    /// The check's declared parameters.
    pub(super) params: &'a [ParamDecl],
}

impl Validator<'_> {
    /// Compiles a tree node (`depth` counts from the rule).
    pub(super) fn node(
        &self,
        raw: &Spanned<RawNode>,
        depth: usize,
        cx: &TreeContext<'_>,
    ) -> Result<Node, DeclarativeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(raw, format!("rule tree deeper than {MAX_DEPTH} levels")));
        }
        let r = &raw.value;
        let combinators = [r.all.is_some(), r.any.is_some(), r.not.is_some()];
        let combinator_count = combinators.iter().filter(|g| **g).count();
        let is_leaf = r.read.is_some();
        if combinator_count + usize::from(is_leaf) != 1 {
            return Err(self.error(
                raw,
                "a rule node is exactly one of all:, any:, not: or a leaf with read:",
            ));
        }
        if let Some(children) = r.all.as_ref().or(r.any.as_ref()) {
            if is_leaf_key_given(r) {
                return Err(self.error(raw, "all:/any: take no leaf keys beside them"));
            }
            if children.value.is_empty() {
                return Err(self.error(children, "all:/any: give at least one rule"));
            }
            let nodes = children
                .value
                .iter()
                .map(|c| self.node(c, depth + 1, cx))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if r.all.is_some() {
                Node::All(nodes)
            } else {
                Node::Any(nodes)
            });
        }
        if let Some(child) = &r.not {
            if is_leaf_key_given(r) {
                return Err(self.error(raw, "not: takes no leaf keys beside it"));
            }
            return Ok(Node::Not(Box::new(self.node(child, depth + 1, cx)?)));
        }
        Ok(Node::Leaf(Box::new(self.leaf(raw, cx)?)))
    }

    /// Compiles the tree at the root of a rule and checks its size.
    pub(super) fn tree(
        &self,
        at: &Spanned<super::schema::RawRule>,
        root: Node,
    ) -> Result<Node, DeclarativeError> {
        if root.leaves().len() > MAX_LEAVES {
            return Err(self.error(at, format!("a rule has at most {MAX_LEAVES} leaves")));
        }
        Ok(root)
    }

    fn leaf(&self, raw: &Spanned<RawNode>, cx: &TreeContext<'_>) -> Result<Leaf, DeclarativeError> {
        let r = &raw.value;
        let Some(read) = &r.read else {
            return Err(self.error(raw, "a leaf needs read:"));
        };
        let source = self.source(raw, read)?;
        let matcher = self.matcher(raw, cx)?;
        let quantifier = match r.quantifier.as_ref().map(|q| (q, q.value.trim())) {
            None | Some((_, "any")) => Quantifier::Any,
            Some((_, "all")) => Quantifier::All,
            Some((_, "none")) => Quantifier::None,
            Some((at, other)) => {
                return Err(self.error(
                    at,
                    format!("quantifier {other:?}: expected any, all or none"),
                ));
            }
        };
        if r.quantifier.is_some()
            && matches!(
                matcher,
                Matcher::Exists(_) | Matcher::Count { .. } | Matcher::Contains(_)
            )
        {
            return Err(self.error(
                raw,
                "quantifier does not apply to exists, count or contains",
            ));
        }
        let case_sensitive = match r.case.as_ref().map(|c| (c, c.value.trim())) {
            None | Some((_, "insensitive")) => false,
            Some((_, "sensitive")) => true,
            Some((at, other)) => {
                return Err(self.error(
                    at,
                    format!("case {other:?}: expected insensitive or sensitive"),
                ));
            }
        };
        let extract = match &r.extract {
            Some(name) => {
                let n = name.value.trim();
                let ok = !n.is_empty()
                    && n.len() <= 40
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(self.error(
                        name,
                        format!("extract name {n:?}: letters, digits and _ only"),
                    ));
                }
                Some(n.to_owned())
            }
            None => None,
        };
        Ok(Leaf {
            source,
            combine: r.combine.unwrap_or(false),
            quantifier,
            case_sensitive,
            matcher,
            extract,
        })
    }

    fn source(
        &self,
        raw: &Spanned<RawNode>,
        read: &Spanned<String>,
    ) -> Result<Source, DeclarativeError> {
        let r = &raw.value;
        let what = read.value.trim();
        let target = match (&r.fetch, r.over.as_ref().map(|o| (o, o.value.trim()))) {
            (Some(_), Some((at, _))) => {
                return Err(self.error(at, "over: and fetch: exclude each other"));
            }
            (Some(p), None) => HttpTarget::Path(self.same_origin_path(p)?),
            (None, None) => HttpTarget::Home,
            (None, Some((_, "https"))) => HttpTarget::HomeHttps,
            (None, Some((_, "http"))) => HttpTarget::HomeHttp,
            (None, Some((at, other))) => {
                return Err(self.error(at, format!("over {other:?}: expected https or http")));
            }
        };
        let name = r.name.as_ref().map(|n| n.value.trim().to_owned());
        let http = |field| Ok(Source::Http(target.clone(), field));
        let source: Result<Source, DeclarativeError> = match what {
            "http.status" => http(HttpField::Status),
            "http.header" => {
                let Some(n) = &r.name else {
                    return Err(self.error(read, "http.header needs name: (the header field name)"));
                };
                http(HttpField::Header(self.field_name(n)?))
            }
            "http.header_names" => http(HttpField::HeaderNames),
            "http.headers_text" => http(HttpField::HeadersText),
            "http.body" => {
                if !matches!(target, HttpTarget::Path(_)) {
                    return Err(self.error(read, "http.body reads a declared path: add fetch: /path (the home page body is not kept)"));
                }
                http(HttpField::Body)
            }
            "http.cookies" => http(HttpField::Cookies(name.clone())),
            "http.redirects" | "http.redirect_end" => {
                if matches!(target, HttpTarget::Path(_)) {
                    return Err(self.error(read, format!("{what} reads the home page's redirect chain; a declared path is not followed")));
                }
                http(if what == "http.redirects" { HttpField::Redirects } else { HttpField::RedirectEnd })
            }
            "http.final_url" => http(HttpField::FinalUrl),
            "tls.handshake" => Ok(Source::Tls(TlsField::Handshake)),
            "tls.version" => Ok(Source::Tls(TlsField::Version)),
            "tls.cipher" => Ok(Source::Tls(TlsField::Cipher)),
            "tls.group" => Ok(Source::Tls(TlsField::Group)),
            "tls.alpn" => Ok(Source::Tls(TlsField::Alpn)),
            "tls.versions" => Ok(Source::Tls(TlsField::Versions)),
            "tls.suites" => Ok(Source::Tls(TlsField::Suites)),
            "tls.groups" => Ok(Source::Tls(TlsField::Groups)),
            "cert.issuer" => Ok(Source::Cert(CertField::Issuer)),
            "cert.subject" => Ok(Source::Cert(CertField::Subject)),
            "cert.sans" => Ok(Source::Cert(CertField::Sans)),
            "cert.key_type" => Ok(Source::Cert(CertField::KeyType)),
            "cert.key_bits" => Ok(Source::Cert(CertField::KeyBits)),
            "cert.rsa_bits" => Ok(Source::Cert(CertField::RsaBits)),
            "cert.ec_bits" => Ok(Source::Cert(CertField::EcBits)),
            "cert.not_before" => Ok(Source::Cert(CertField::NotBefore)),
            "cert.not_after" => Ok(Source::Cert(CertField::NotAfter)),
            "cert.days_left" => Ok(Source::Cert(CertField::DaysLeft)),
            "cert.days_valid" => Ok(Source::Cert(CertField::DaysValid)),
            "cert.policy_oids" => Ok(Source::Cert(CertField::PolicyOids)),
            "cert.extensions" => Ok(Source::Cert(CertField::Extensions)),
            "cert.signature_algorithm" => Ok(Source::Cert(CertField::SignatureAlgorithm)),
            "cert.trust" => Ok(Source::Cert(CertField::Trust)),
            "dns.records" => {
                let Some(q) = &r.dns else {
                    return Err(self.error(read, "dns.records needs dns: {name: ..., type: ...}"));
                };
                let name = q.value.name.value.trim().trim_end_matches('.').to_ascii_lowercase();
                let valid = name.contains("{domain}")
                    && name.len() <= 253
                    && name
                        .replace("{domain}", "x")
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
                if !valid {
                    return Err(self.error(&q.value.name, format!("dns name {name:?} must contain {{domain}} and be a DNS name (letters, digits, -, _, .)")));
                }
                let rtype = q.value.rtype.value.trim().to_ascii_uppercase();
                if !DNS_TYPES.contains(&rtype.as_str()) {
                    return Err(self.error(&q.value.rtype, format!("dns type {rtype:?}: expected one of {}", DNS_TYPES.join(", "))));
                }
                Ok(Source::Dns { name, rtype })
            }
            "dns.dnssec" => Ok(Source::Dnssec),
            "mail.dmarc_record" => Ok(Source::Mail(MailField::DmarcRecord)),
            "mail.spf_records" => Ok(Source::Mail(MailField::SpfRecords)),
            "mail.mx" => Ok(Source::Mail(MailField::Mx)),
            "mail.mta_sts" => Ok(Source::Mail(MailField::MtaSts)),
            "mail.mta_sts_policy" => Ok(Source::Mail(MailField::MtaStsPolicy)),
            "mail.tls_rpt" => Ok(Source::Mail(MailField::TlsRpt)),
            other => Err(self.error(read, format!("read {other:?}: not an observation govscan records (see docs/checks-format.md, \"Leaves\")"))),
        };
        let source = match (source?, r.chain) {
            (Source::Cert(field), Some(true)) if field != CertField::Trust => Source::Chain(field),
            (Source::Cert(CertField::Trust), Some(true)) => {
                return Err(self.error(
                    read,
                    "cert.trust is one verdict for the chain; chain: does not apply",
                ));
            }
            (Source::Cert(field), _) => Source::Cert(field),
            (_, Some(_)) => return Err(self.error(read, "chain: only applies to cert.* leaves")),
            (other, None) => other,
        };
        let is_http = matches!(source, Source::Http(..));
        if !is_http && (r.fetch.is_some() || r.over.is_some()) {
            return Err(self.error(read, "fetch:/over: only apply to http.* leaves"));
        }
        if r.name.is_some()
            && !matches!(
                source,
                Source::Http(_, HttpField::Header(_) | HttpField::Cookies(_))
            )
        {
            return Err(self.error(read, "name: only applies to http.header and http.cookies"));
        }
        if r.dns.is_some() && !matches!(source, Source::Dns { .. }) {
            return Err(self.error(read, "dns: only applies to dns.records"));
        }
        Ok(source)
    }

    fn field_name(&self, n: &Spanned<String>) -> Result<String, DeclarativeError> {
        let name = n.value.trim().to_ascii_lowercase();
        let token = !name.is_empty()
            && name.len() <= 100
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if token {
            Ok(name)
        } else {
            Err(self.error(
                n,
                format!("header name {:?} is not an HTTP field name", n.value),
            ))
        }
    }

    fn matcher(
        &self,
        raw: &Spanned<RawNode>,
        cx: &TreeContext<'_>,
    ) -> Result<Matcher, DeclarativeError> {
        let r = &raw.value;
        let mut found: Vec<Matcher> = Vec::new();
        if let Some(e) = &r.exists {
            found.push(Matcher::Exists(e.value));
        }
        if let Some(v) = &r.equals {
            found.push(Matcher::Equals(self.list_operand(v, cx)?));
        }
        if let Some(v) = &r.one_of {
            found.push(Matcher::Equals(self.list_operand(v, cx)?));
        }
        if let Some(v) = &r.contains {
            found.push(Matcher::Contains(self.list_operand(v, cx)?));
        }
        if let Some(w) = &r.words {
            if w.value.is_empty() || w.value.iter().any(|x| x.is_empty()) {
                return Err(self.error(w, "words: give non-empty words"));
            }
            let all = match r.condition.as_ref().map(|c| (c, c.value.trim())) {
                None | Some((_, "or")) => false,
                Some((_, "and")) => true,
                Some((at, other)) => {
                    return Err(self.error(at, format!("condition {other:?}: expected or, and")));
                }
            };
            found.push(Matcher::Words {
                words: w.value.clone(),
                all,
            });
        } else if let Some(c) = &r.condition {
            return Err(self.error(c, "condition: only applies to words"));
        }
        if let Some(re) = &r.regex {
            found.push(Matcher::Regex(self.regex(re)?));
        }
        for (op, v) in [
            (NumOp::AtLeast, &r.at_least),
            (NumOp::AtMost, &r.at_most),
            (NumOp::GreaterThan, &r.greater_than),
            (NumOp::LessThan, &r.less_than),
        ] {
            if let Some(v) = v {
                found.push(Matcher::Number(op, self.number_operand(v, cx)?));
            }
        }
        if let Some(c) = &r.count {
            if c.value.at_least.is_none() && c.value.at_most.is_none() {
                return Err(self.error(c, "count: give at_least and/or at_most"));
            }
            found.push(Matcher::Count {
                at_least: c.value.at_least,
                at_most: c.value.at_most,
            });
        }
        if found.len() != 1 {
            return Err(self.error(
                raw,
                "a leaf takes exactly one matcher: exists, equals, in, contains, words, regex, at_least, at_most, greater_than, less_than or count",
            ));
        }
        Ok(found.remove(0))
    }
}

fn is_leaf_key_given(r: &RawNode) -> bool {
    r.name.is_some()
        || r.fetch.is_some()
        || r.over.is_some()
        || r.dns.is_some()
        || r.combine.is_some()
        || r.chain.is_some()
        || r.quantifier.is_some()
        || r.case.is_some()
        || r.extract.is_some()
        || r.exists.is_some()
        || r.equals.is_some()
        || r.one_of.is_some()
        || r.contains.is_some()
        || r.words.is_some()
        || r.regex.is_some()
        || r.at_least.is_some()
        || r.at_most.is_some()
        || r.greater_than.is_some()
        || r.less_than.is_some()
        || r.count.is_some()
}
