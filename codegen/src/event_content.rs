//! The spec's `event_content`: which resources each event type carries in its `content`.
//! Each event type must be a value of the shared `EventType` enum, listed once, and each
//! resource a field of the `Content` resource.

use crate::error::SpecError;
use crate::load::LoadedFile;
use crate::model::{EnumDef, EventContent, Resource};
use std::collections::{BTreeMap, HashSet};

/// The shared enum of event types.
const EVENT_TYPE: &str = "EventType";
/// The resource whose fields an event's content is made of.
const CONTENT: &str = "Content";

/// The event contents of `files`, in the order of the `EventType` enum, or every error found.
pub fn event_contents(
    files: &[LoadedFile],
    shared: &BTreeMap<String, EnumDef>,
    resources: &[Resource],
) -> Result<Vec<EventContent>, Vec<SpecError>> {
    let mut errors = Vec::new();
    let mut listed: BTreeMap<&str, &[String]> = BTreeMap::new();
    for file in files {
        if file.spec.event_content.is_empty() {
            continue;
        }
        let mut error = |path: &[&str], message: String| {
            errors.push(SpecError {
                file: file.path.clone(),
                line: file.lines.line(path),
                message,
            })
        };
        let Some(kinds) = shared.get(EVENT_TYPE) else {
            error(
                &["event_content"],
                format!("`event_content` needs the shared enum `{EVENT_TYPE}`"),
            );
            continue;
        };
        let Some(content) = resources.iter().find(|r| r.name == CONTENT) else {
            error(
                &["event_content"],
                format!("`event_content` needs the resource `{CONTENT}`"),
            );
            continue;
        };
        for (kind, keys) in &file.spec.event_content {
            let at = ["event_content", kind.as_str()];
            if !kinds.variants.iter().any(|(_, wire)| wire == kind) {
                error(&at, format!("`{kind}` is not a value of `{EVENT_TYPE}`"));
            }
            if keys.is_empty() {
                error(&at, format!("`{kind}` lists no resources"));
            }
            let mut seen = HashSet::new();
            for key in keys {
                if !seen.insert(key) {
                    error(&at, format!("`{kind}` lists `{key}` twice"));
                } else if !content.fields.iter().any(|f| &f.wire == key) {
                    error(
                        &at,
                        format!("`{key}` (in `{kind}`) is not a field of `{CONTENT}`"),
                    );
                }
            }
            if listed.insert(kind.as_str(), keys).is_some() {
                error(&at, format!("`{kind}` is listed in two files"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(kinds) = shared.get(EVENT_TYPE) else {
        return Ok(Vec::new());
    };
    Ok(kinds
        .variants
        .iter()
        .filter_map(|(name, wire)| {
            let keys = listed.get(wire.as_str())?;
            Some(EventContent {
                event_type: wire.clone(),
                name: name.clone(),
                keys: keys.to_vec(),
            })
        })
        .collect())
}
