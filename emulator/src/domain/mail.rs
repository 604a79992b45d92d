//! The Mail API's rules: a profile saved again is updated (its email kept from the first save),
//! a deletion is final (a later save does not bring the profile back), a repeated deletion by
//! id succeeds while one by email alone finds nothing (the address was erased), and an event
//! waits for its profile until a save names the same user.

use adapty_server::{MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams};
use serde_json::Value;

use crate::state::app::Inner;
use crate::state::mail::{Mail, MailEvent, MailProfile};

/// No profile matches a deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFound;

pub fn save_profile(state: &mut Inner, params: MailProfileParams) {
    let mail = &mut state.mail;
    let id = params.external_profile_id.clone();
    match mail.profiles.get_mut(&id) {
        // Deleted for good: a save does not bring it back.
        Some(MailProfile { saved: None }) => return,
        Some(MailProfile { saved: Some(saved) }) => *saved = updated(saved, params),
        None => {
            mail.profiles.insert(id.clone(), MailProfile { saved: Some(params) });
        }
    }
    link_events(mail, &id);
}

/// `saved` updated by a later save: the fields it gives replace, the others stay, and the email
/// stays the first save's (Adapty writes it once). The docs say "updates"; keeping what a save
/// leaves out is the emulator's reading.
fn updated(saved: &MailProfileParams, later: MailProfileParams) -> MailProfileParams {
    let (Ok(Value::Object(mut fields)), Ok(Value::Object(given))) = (serde_json::to_value(saved), serde_json::to_value(&later)) else {
        return saved.clone();
    };
    fields.extend(given.into_iter().filter(|(key, value)| key != "email" && !value.is_null()));
    serde_json::from_value(Value::Object(fields)).unwrap_or_else(|_| saved.clone())
}

fn deleted(mail: &Mail, id: &str) -> bool {
    mail.profiles.get(id).is_some_and(|p| p.saved.is_none())
}

/// The external id of the live profile `params` names (by id, customer user id or email).
fn find(mail: &Mail, external_profile_id: Option<&str>, customer_user_id: Option<&str>, email: Option<&str>) -> Option<String> {
    let live = mail.profiles.iter().filter_map(|(id, p)| p.saved.as_ref().map(|s| (id, s)));
    external_profile_id
        .filter(|id| mail.profiles.get(*id).is_some_and(|p| p.saved.is_some()))
        .map(str::to_owned)
        .or_else(|| {
            live.clone()
                .find(|(_, s)| customer_user_id.is_some() && s.customer_user_id.as_deref() == customer_user_id)
                .map(|(id, _)| id.clone())
        })
        .or_else(|| live.clone().find(|(_, s)| email.is_some() && Some(s.email.as_str()) == email).map(|(id, _)| id.clone()))
}

pub fn delete_profile(state: &mut Inner, params: &MailProfileDeleteParams) -> Result<(), NotFound> {
    let mail = &mut state.mail;
    let by_id = params.external_profile_id.as_deref();
    // A repeat by id (or by a customer user id the tombstone kept) succeeds and changes nothing.
    if by_id.is_some_and(|id| deleted(mail, id)) {
        return Ok(());
    }
    let id = find(mail, by_id, params.customer_user_id.as_deref(), params.email.as_deref()).ok_or(NotFound)?;
    mail.profiles.insert(id, MailProfile { saved: None });
    Ok(())
}

pub fn save_event(state: &mut Inner, event: MailTransactionEventParams) {
    let mail = &mut state.mail;
    let owner = find(mail, Some(&event.external_profile_id), event.customer_user_id.as_deref(), event.email.as_deref());
    // The same `event_id` again changes nothing.
    mail.events.entry(event.event_id.clone()).or_insert(MailEvent { event, external_profile_id: owner });
}

/// Links the events waiting for the profile `id` to it.
fn link_events(mail: &mut Mail, id: &str) {
    let Some(saved) = mail.profiles.get(id).and_then(|p| p.saved.clone()) else { return };
    for waiting in mail.events.values_mut().filter(|e| e.external_profile_id.is_none()) {
        let e = &waiting.event;
        let names = e.external_profile_id == id
            || (e.customer_user_id.is_some() && e.customer_user_id == saved.customer_user_id)
            || e.email.as_deref() == Some(saved.email.as_str());
        if names {
            waiting.external_profile_id = Some(id.to_owned());
        }
    }
}
