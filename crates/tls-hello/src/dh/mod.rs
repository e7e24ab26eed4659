//! Finite-field Diffie-Hellman groups as a ServerKeyExchange shows them: the size of the prime,
//! the RFC 7919 named group it is (if any), and its NCSC-NL 2025 tier.

mod ffdhe;

use crate::{Tier, groups};

/// Primes shorter than this are below every current guideline: NCSC-NL (2025) and Mozilla's
/// server-side TLS "intermediate" profile both ask for at least 2048 bits (Logjam showed
/// 1024-bit groups within reach of a nation state).
pub const MIN_DH_BITS: u32 = 2048;

/// The number of significant bits in a big-endian unsigned integer.
pub fn prime_bits(prime: &[u8]) -> u32 {
    let Some(first) = prime.iter().position(|b| *b != 0) else {
        return 0;
    };
    let bytes = u32::try_from(prime.len() - first).unwrap_or(u32::MAX);
    let top = prime.get(first).copied().unwrap_or_default();
    bytes
        .saturating_sub(1)
        .saturating_mul(8)
        .saturating_add(8 - top.leading_zeros())
}

/// The RFC 7919 named group (code point 0x0100–0x0104) whose prime is `prime` with generator
/// `generator` (2), leading zero bytes ignored; `None` for any other prime.
pub fn rfc7919_group(prime: &[u8], generator: &[u8]) -> Option<u16> {
    let strip = |b: &[u8]| -> Vec<u8> { b.iter().copied().skip_while(|x| *x == 0).collect() };
    if strip(generator) != [2] {
        return None;
    }
    let prime = strip(prime);
    ffdhe::FFDHE_PRIMES
        .iter()
        .find(|(_, _, hex)| hex_equals(hex, &prime))
        .map(|(id, _, _)| *id)
}

/// The prime of RFC 7919 group `id` (0x0100–0x0104), big-endian; `None` for any other id.
pub fn rfc7919_prime(id: u16) -> Option<Vec<u8>> {
    let (_, _, hex) = ffdhe::FFDHE_PRIMES.iter().find(|(g, _, _)| *g == id)?;
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

/// Whether upper-case `hex` spells `bytes`.
fn hex_equals(hex: &str, bytes: &[u8]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    hex.len() == 2 * bytes.len()
        && hex
            .as_bytes()
            .chunks_exact(2)
            .zip(bytes)
            .all(|(pair, b)| pair == [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0F)]])
}

/// The NCSC-NL 2025 tier of a finite-field group, as internet.nl codes it: the RFC 7919 groups
/// keep their named-group tier (ffdhe2048 insufficient, ffdhe3072 and larger phase-out); any
/// other prime is insufficient, whatever its size (only the RFC 7919 groups are rated).
pub fn dh_tier(named: Option<u16>) -> Tier {
    named.map_or(Tier::Insufficient, groups::security_tier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_primes_are_recognised_and_sized() {
        for (id, name, _) in ffdhe::FFDHE_PRIMES {
            let prime = rfc7919_prime(id).expect("a table group");
            let bits: u32 = name[5..].parse().expect("bits in the name");
            assert_eq!(prime_bits(&prime), bits, "{name}");
            assert_eq!(rfc7919_group(&prime, &[2]), Some(id), "{name}");
            assert_eq!(groups::name(id), Some(name));
            let mut padded = vec![0, 0];
            padded.extend_from_slice(&prime);
            assert_eq!(rfc7919_group(&padded, &[0, 2]), Some(id), "{name}");
            assert_eq!(rfc7919_group(&prime, &[5]), None, "{name}: other generator");
            let mut other = prime.clone();
            other[100] ^= 1;
            assert_eq!(rfc7919_group(&other, &[2]), None, "{name}: one bit off");
        }
    }

    #[test]
    fn sizes_and_tiers() {
        assert_eq!(rfc7919_prime(groups::X25519), None);
        assert_eq!(prime_bits(&[]), 0);
        assert_eq!(prime_bits(&[0, 0]), 0);
        assert_eq!(prime_bits(&[1]), 1);
        assert_eq!(prime_bits(&[0, 0x80, 0]), 16);
        assert_eq!(prime_bits(&[0x7F; 128]), 1023);
        assert_eq!(dh_tier(None), Tier::Insufficient);
        assert_eq!(dh_tier(Some(groups::FFDHE2048)), Tier::Insufficient);
        assert_eq!(dh_tier(Some(groups::FFDHE3072)), Tier::PhaseOut);
        assert_eq!(dh_tier(Some(0x0104)), Tier::PhaseOut);
    }
}
