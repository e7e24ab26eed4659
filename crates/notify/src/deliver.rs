//! Sending one notification to every destination at once, on a small runtime of its own, and
//! reporting each delivery: a failed one never stops the others.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;

use crate::destination::Destination;
use crate::message::Notification;
use crate::render::{RenderError, render_email, render_webhook};
use crate::sendmail::SendmailError;
use crate::webhook::{WebhookError, WebhookOptions, post};

/// How notifications are delivered.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Webhook timeout, retries and extra roots.
    pub webhook: WebhookOptions,
    /// The sendmail program (`/usr/sbin/sendmail`).
    pub sendmail: PathBuf,
    /// Bound on one sendmail run.
    pub sendmail_timeout: Duration,
}

/// The result of one delivery.
#[derive(Debug)]
pub struct Delivery {
    /// The destination's label (never a webhook's secret path).
    pub destination: String,
    /// What happened: "HTTP 200 (attempt 1 of 3)", or why it failed.
    pub result: Result<String, DeliveryError>,
}

/// Why one delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The runtime the deliveries run on could not be started.
    #[error("cannot start the delivery runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The message could not be rendered for the destination.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The webhook was not delivered.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// The mail system did not take the message.
    #[error(transparent)]
    Sendmail(#[from] SendmailError),
}

/// Delivers `notification` to every destination, concurrently; one result per destination, in
/// the order given.
pub fn deliver_all(
    notification: &Notification,
    destinations: &[Destination],
    options: &DeliveryOptions,
) -> Vec<Delivery> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return destinations
                .iter()
                .map(|d| Delivery {
                    destination: d.label(),
                    result: Err(DeliveryError::Runtime(std::io::Error::new(
                        e.kind(),
                        e.to_string(),
                    ))),
                })
                .collect();
        }
    };
    runtime.block_on(futures_util::future::join_all(
        destinations
            .iter()
            .map(|d| deliver_one(notification, d, options)),
    ))
}

async fn deliver_one(
    notification: &Notification,
    destination: &Destination,
    options: &DeliveryOptions,
) -> Delivery {
    let result = match destination {
        Destination::Webhook { url, format } => match render_webhook(*format, notification) {
            Ok(body) => post(url, Bytes::from(body), &options.webhook)
                .await
                .map_err(DeliveryError::from),
            Err(e) => Err(e.into()),
        },
        Destination::Mail { to } => match render_email(notification, to) {
            Ok(message) => {
                crate::sendmail::send(&options.sendmail, &message, options.sendmail_timeout)
                    .await
                    .map_err(DeliveryError::from)
            }
            Err(e) => Err(e.into()),
        },
    };
    Delivery {
        destination: destination.label(),
        result,
    }
}
