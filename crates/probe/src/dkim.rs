//! DKIM key records at the selectors the target file names for a domain (RFC 6376 §3.6.2.1:
//! TXT at `<selector>._domainkey.<domain>`). A selector cannot be discovered from DNS, so a
//! domain without selectors is skipped.

use govscan_model::{DkimObservation, DkimSelector, Probed};
use hickory_resolver::proto::rr::Name;

use crate::Inner;
use crate::dns::name_text;
use crate::mail_policy::txt_at;

/// The TXT records at each selector of `domain`, or skipped when it has none.
pub(crate) async fn probe(inner: &Inner, domain: &str, name: &Name) -> Probed<DkimObservation> {
    let Some(selectors) = inner
        .config
        .dkim_selectors
        .get(domain)
        .filter(|s| !s.is_empty())
    else {
        return Probed::skipped("the target file names no dkim_selectors for this domain");
    };
    let lookups = selectors.iter().map(|selector| async move {
        let label = format!("{selector}._domainkey");
        DkimSelector {
            selector: selector.clone(),
            name: format!("{label}.{}", name_text(name)),
            txt: txt_at(inner, &label, name).await,
        }
    });
    Probed::ok(DkimObservation {
        selectors: futures_util::future::join_all(lookups).await,
    })
}
