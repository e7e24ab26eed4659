//! Reading a `--trust-anchor` file: unbound's `trust-anchor-file` format (zone-file syntax:
//! `;` comments, `( … )` over lines, `$ORIGIN`, `$TTL`, optional TTL and class, an owner carried
//! to lines that start with white space) or IANA's root-anchors XML (RFC 9718). Only DS and
//! DNSKEY records are anchors; anything else is an error naming the line.

use base64::Engine as _;
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_resolver::proto::dnssec::{Algorithm, PublicKeyBuf, Verifier as _};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::anchors::{Anchor, AnchorKey};

/// Most anchors read from one file (the root has had at most three at once).
const MAX_ANCHORS: usize = 256;

/// Parses either format; `now` decides which IANA key digests are current.
pub(crate) fn parse_anchors(text: &str, now: time::OffsetDateTime) -> Result<Vec<Anchor>, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let anchors = if trimmed.starts_with('<') {
        parse_iana_xml(text, now)?
    } else {
        parse_zone_text(text)?
    };
    if anchors.is_empty() {
        return Err("no DS or DNSKEY trust anchor found".to_string());
    }
    if anchors.len() > MAX_ANCHORS {
        return Err(format!("more than {MAX_ANCHORS} anchors"));
    }
    Ok(anchors)
}

/// Zone-file syntax, as unbound's `trust-anchor-file` reads it.
fn parse_zone_text(text: &str) -> Result<Vec<Anchor>, String> {
    let mut anchors = Vec::new();
    let mut origin: Option<Name> = None;
    let mut owner: Option<Name> = None;
    for (line, entry) in logical_lines(text)? {
        let at = |detail: String| format!("line {line}: {detail}");
        let mut tokens = entry.tokens.iter().map(String::as_str);
        let first = if entry.owner_given {
            tokens.next()
        } else {
            None
        };
        match first {
            Some("$ORIGIN") => {
                let name = tokens
                    .next()
                    .ok_or_else(|| at("$ORIGIN without a name".into()))?;
                origin = Some(absolute(name, None).map_err(at)?);
                continue;
            }
            Some("$TTL") => continue,
            Some(directive) if directive.starts_with('$') => {
                return Err(at(format!(
                    "{directive} is not supported in a trust anchor file"
                )));
            }
            Some(name) => owner = Some(absolute(name, origin.as_ref()).map_err(at)?),
            None => {}
        }
        let zone = owner
            .clone()
            .ok_or_else(|| at("a record without an owner name".into()))?;
        let mut rtype = None;
        for token in tokens.by_ref() {
            let upper = token.to_ascii_uppercase();
            if token.bytes().all(|b| b.is_ascii_digit())
                || matches!(upper.as_str(), "IN" | "CH" | "HS")
            {
                continue;
            }
            rtype = Some(upper);
            break;
        }
        let rtype = rtype.ok_or_else(|| at("no record type".into()))?;
        let rdata: Vec<&str> = tokens.collect();
        let key = match rtype.as_str() {
            "DS" => AnchorKey::Ds(parse_ds(&rdata.join(" ")).map_err(at)?),
            "DNSKEY" => AnchorKey::Key(parse_dnskey(&rdata).map_err(at)?),
            other => {
                return Err(at(format!(
                    "{other} record: a trust anchor must be a DS or DNSKEY record"
                )));
            }
        };
        anchors.push(Anchor {
            zone: zone.to_lowercase(),
            key,
        });
    }
    Ok(anchors)
}

/// One record's tokens, joined over parentheses, comments removed.
struct Entry {
    /// False when the line began with white space (the previous owner goes on).
    owner_given: bool,
    tokens: Vec<String>,
}

/// Logical lines (numbered by the line they start on).
fn logical_lines(text: &str) -> Result<Vec<(usize, Entry)>, String> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Entry)> = None;
    let mut depth = 0usize;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let content = raw.split(';').next().unwrap_or("");
        let (start, mut entry) = match open.take() {
            Some(open) => open,
            None if content.trim().is_empty() => continue,
            None => (
                number,
                Entry {
                    owner_given: !content.starts_with([' ', '\t']),
                    tokens: Vec::new(),
                },
            ),
        };
        for token in content
            .replace('(', " ( ")
            .replace(')', " ) ")
            .split_whitespace()
        {
            match token {
                "(" => depth += 1,
                ")" => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("line {number}: \")\" without \"(\""))?;
                }
                word => entry.tokens.push(word.to_string()),
            }
        }
        if depth > 0 {
            open = Some((start, entry));
        } else if !entry.tokens.is_empty() {
            out.push((start, entry));
        }
    }
    if let Some((start, _)) = open {
        return Err(format!("line {start}: unclosed parenthesis"));
    }
    Ok(out)
}

/// A name made absolute against `origin` ("@" is the origin).
fn absolute(text: &str, origin: Option<&Name>) -> Result<Name, String> {
    if text == "@" {
        return origin
            .cloned()
            .ok_or_else(|| "\"@\" without $ORIGIN".to_string());
    }
    let name = Name::from_ascii(text).map_err(|e| format!("{text:?} is not a domain name: {e}"))?;
    if name.is_fqdn() {
        return Ok(name);
    }
    match origin {
        Some(origin) => name
            .append_domain(origin)
            .map_err(|e| format!("{text:?} cannot be made absolute: {e}")),
        None => Err(format!(
            "{text:?} is relative and there is no $ORIGIN (write it with a trailing dot)"
        )),
    }
}

/// DS presentation format (RFC 4034 §5.3), parsed by hickory.
fn parse_ds(rdata: &str) -> Result<DS, String> {
    match RData::try_from_str(RecordType::DS, rdata) {
        Ok(RData::DNSSEC(DNSSECRData::DS(ds))) if !ds.digest().is_empty() => Ok(ds),
        Ok(_) => Err(format!("bad DS record data {rdata:?}")),
        Err(e) => Err(format!("bad DS record data {rdata:?}: {e}")),
    }
}

/// DNSKEY presentation format (RFC 4034 §2.2): flags, protocol 3, algorithm, base64 key.
pub(crate) fn parse_dnskey(rdata: &[&str]) -> Result<DNSKEY, String> {
    let [flags, protocol, algorithm, key @ ..] = rdata else {
        return Err("a DNSKEY needs flags, protocol, algorithm and key".to_string());
    };
    let flags: u16 = flags
        .parse()
        .map_err(|_| format!("DNSKEY flags {flags:?} are not a number"))?;
    if *protocol != "3" {
        return Err(format!("DNSKEY protocol is {protocol:?}, not 3"));
    }
    let algorithm: u8 = algorithm
        .parse()
        .map_err(|_| format!("DNSKEY algorithm {algorithm:?} is not a number"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.concat())
        .map_err(|e| format!("DNSKEY key is not base64: {e}"))?;
    let dnskey = DNSKEY::with_flags(
        flags,
        PublicKeyBuf::new(bytes, Algorithm::from_u8(algorithm)),
    );
    if dnskey.key().is_err() {
        return Err(format!(
            "DNSKEY key is not a valid key for algorithm {algorithm}"
        ));
    }
    Ok(dnskey)
}

/// IANA's root-anchors XML (RFC 9718 §2): `<Zone>` and `<KeyDigest>` elements (key tag,
/// algorithm, digest type, digest), used when `validFrom <= now < validUntil`.
fn parse_iana_xml(text: &str, now: time::OffsetDateTime) -> Result<Vec<Anchor>, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not valid XML: {e}"))?;
    let root = doc.root_element();
    if !root.has_tag_name("TrustAnchor") {
        return Err(format!(
            "XML root element is <{}>, not <TrustAnchor>",
            root.tag_name().name()
        ));
    }
    let child_text = |node: roxmltree::Node<'_, '_>, tag: &str| {
        node.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .map(str::trim)
            .map(str::to_string)
    };
    let zone_name = child_text(root, "Zone").ok_or("<TrustAnchor> has no <Zone>")?;
    let zone = absolute(&zone_name, Some(&Name::root()))?.to_lowercase();
    let mut anchors = Vec::new();
    for digest in root.children().filter(|c| c.has_tag_name("KeyDigest")) {
        let line = doc.text_pos_at(digest.range().start).row;
        let at = |detail: String| format!("line {line}: {detail}");
        let when = |attr: &str| -> Result<Option<time::OffsetDateTime>, String> {
            digest
                .attribute(attr)
                .map(|v| {
                    time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
                        .map_err(|e| at(format!("{attr}={v:?} is not a date-time: {e}")))
                })
                .transpose()
        };
        let (from, until) = (when("validFrom")?, when("validUntil")?);
        if from.is_some_and(|from| from > now) || until.is_some_and(|until| until <= now) {
            continue;
        }
        let field = |tag: &str| {
            child_text(digest, tag).ok_or_else(|| at(format!("<KeyDigest> has no <{tag}>")))
        };
        let rdata = format!(
            "{} {} {} {}",
            field("KeyTag")?,
            field("Algorithm")?,
            field("DigestType")?,
            field("Digest")?
        );
        anchors.push(Anchor {
            zone: zone.clone(),
            key: AnchorKey::Ds(parse_ds(&rdata).map_err(at)?),
        });
    }
    Ok(anchors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchors::zone_text;

    const KEY: &str =
        "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";

    #[test]
    fn zone_file_anchors_of_both_types_at_any_zone() {
        let text = format!(
            "; anchors\n$ORIGIN test.\nlab 3600 IN DS 2371 13 2 (\n  4F2B9E 0A1C )\n\
             private.plain.test. IN 3600 DNSKEY 257 3 13 {KEY} ; KSK\n\
             \t DNSKEY 256 3 13 {KEY}\n. DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
        );
        let anchors = parse_anchors(&text, time::OffsetDateTime::now_utc()).expect("parses");
        let zones: Vec<String> = anchors.iter().map(|a| zone_text(&a.zone)).collect();
        assert_eq!(
            zones,
            ["lab.test", "private.plain.test", "private.plain.test", "."]
        );
        assert!(
            matches!(&anchors[0].key, AnchorKey::Ds(ds) if ds.key_tag() == 2371 && ds.digest() == [0x4f, 0x2b, 0x9e, 0x0a, 0x1c])
        );
        assert!(matches!(&anchors[1].key, AnchorKey::Key(k) if k.flags() == 257));
        assert!(matches!(&anchors[2].key, AnchorKey::Key(k) if k.flags() == 256));
    }

    #[test]
    fn bad_anchor_files_name_the_line() {
        let now = time::OffsetDateTime::now_utc();
        let cases = [
            ("test. 60 IN A 127.0.0.1\n", "line 1: A record"),
            ("\n\ntest. DS 1 13 2 zz\n", "line 3: bad DS"),
            ("test. DNSKEY 257 2 13 AAAA\n", "line 1: DNSKEY protocol"),
            ("lab DS 1 13 2 AA\n", "line 1: \"lab\" is relative"),
            ("test. DS ( 1 13 2 AA\n", "line 1: unclosed"),
            ("$INCLUDE /etc/passwd\n", "line 1: $INCLUDE"),
            ("; nothing\n", "no DS or DNSKEY"),
        ];
        for (text, want) in cases {
            let err = parse_anchors(text, now).expect_err(text);
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn iana_xml_keeps_the_digests_valid_now() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="0" source="http://data.iana.org/root-anchors/root-anchors.xml">
<Zone>.</Zone>
<KeyDigest id="Kjqmt7v" validFrom="2010-07-15T00:00:00+00:00" validUntil="2019-01-11T00:00:00+00:00">
<KeyTag>19036</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>
<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>
</KeyDigest>
<KeyDigest id="Klajeyz" validFrom="2017-02-02T00:00:00+00:00">
<KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>
<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>
</KeyDigest>
<KeyDigest id="future" validFrom="2099-01-01T00:00:00+00:00">
<KeyTag>1</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType><Digest>AA</Digest>
</KeyDigest>
</TrustAnchor>"#;
        let anchors = parse_anchors(xml, time::OffsetDateTime::now_utc()).expect("parses");
        assert_eq!(anchors.len(), 1);
        assert!(anchors[0].zone.is_root());
        assert!(matches!(&anchors[0].key, AnchorKey::Ds(ds) if ds.key_tag() == 20326));
        let broken = "<TrustAnchor><Zone>lab.test.</Zone><KeyDigest><KeyTag>1</KeyTag></KeyDigest></TrustAnchor>";
        let err = parse_anchors(broken, time::OffsetDateTime::now_utc()).expect_err("no digest");
        assert!(err.contains("no <Algorithm>"), "{err}");
        assert!(parse_anchors("<TrustAnchor", time::OffsetDateTime::now_utc()).is_err());
    }
}
