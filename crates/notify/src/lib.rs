//! Alerts on change: a scan-to-scan diff ([`govscan_score::ScanDiff`]) turned into a message
//! and delivered to webhooks (generic JSON, Slack, Microsoft Teams, Mattermost) and by e-mail
//! through the local sendmail. Building a message is pure and puts every server-controlled
//! text through one plain-text filter and the payload format's escaping; only [`webhook`] and
//! [`sendmail`] do I/O. Operation: `docs/operations.md` ("Alerts on change").

mod deliver;
mod destination;
mod email;
mod generic;
mod mattermost;
mod message;
mod render;
pub mod sendmail;
mod slack;
mod teams;
mod text;
pub mod webhook;

pub use deliver::{Delivery, DeliveryError, DeliveryOptions, deliver_all};
pub use destination::{Destination, DestinationError, parse_destination};
pub use generic::GENERIC_PAYLOAD_VERSION;
pub use message::{Item, Kind, Notification, ScanSide, Section};
pub use render::{Format, RenderError, render_email, render_webhook};
pub use webhook::{WebhookError, WebhookOptions};
