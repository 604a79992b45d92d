//! The Mail API: the profiles and store transaction events Adapty Mail's flows run on. Its own
//! host and key (`Bearer`), and its own error envelope, which the error parser reads.

use super::declare::operations;
use super::manifest::Operation;
use crate::models::config::{Api, Config};
use crate::models::error::Error;
use crate::models::{MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams};
use crate::transport::request::{ApiRequest, Replay};

operations! {
    /// Adapty Mail: the profiles it mails and the store events that put them in its flows.
    /// Needs the Adapty Mail key (`mail_api_key`).
    mail => mail: Mail, BlockingMail, MailOp;

    /// Creates or updates (by `external_profile_id`) a profile Adapty Mail can write to.
    MAIL_SAVE_PROFILE saveProfile {
        endpoint: Post "/api/v1/profile/save/",
        call: fn save_profile(params: &MailProfileParams) -> () = save_profile,
    }

    /// Erases a profile's personal data and cancels its emails, for good.
    MAIL_DELETE_PROFILE deleteProfile {
        endpoint: Post "/api/v1/profile/delete/",
        call: fn delete_profile(params: &MailProfileDeleteParams) -> () = delete_profile,
    }

    /// Sends a store transaction event (started, renewed, cancelled, billing issue, refunded,
    /// expired, ...) that moves the profile into Adapty Mail's flows.
    MAIL_SAVE_TRANSACTION_EVENT saveTransactionEvent {
        endpoint: Post "/api/v1/profile/transaction-event/save/",
        call: fn save_transaction_event(params: &MailTransactionEventParams) -> () = save_transaction_event,
    }
}

fn save_profile(op: &Operation, _: &Config, params: &MailProfileParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: an upsert keyed by `external_profile_id`.
    ApiRequest::of(&op.http, Replay::Idempotent).api(Api::Mail).body(params)
}

fn delete_profile(op: &Operation, _: &Config, params: &MailProfileDeleteParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat by id: a repeat succeeds and changes nothing; by email alone a repeat after
    // a lost answer meets the 404 of an erased address, which means the first attempt deleted it.
    ApiRequest::of(&op.http, Replay::IdempotentDelete).api(Api::Mail).body(params)
}

fn save_transaction_event(op: &Operation, _: &Config, params: &MailTransactionEventParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: Adapty Mail keeps one event per `event_id`.
    ApiRequest::of(&op.http, Replay::Idempotent).api(Api::Mail).body(params)
}
