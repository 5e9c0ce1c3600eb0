//! Spans the client opens while a test runs, kept with their fields and the events inside
//! them, to be read back once closed.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A closed span: its name, its fields as text, and how many events happened inside it.
#[derive(Debug, Clone, Default)]
pub struct ClosedSpan {
    pub name: &'static str,
    pub fields: BTreeMap<String, String>,
    pub events: usize,
}

impl ClosedSpan {
    /// Field `name` as recorded, if it was.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Every span closed under the subscriber from [`CollectedSpans::subscriber`].
#[derive(Clone, Default)]
pub struct CollectedSpans(Arc<Mutex<Vec<ClosedSpan>>>);

impl CollectedSpans {
    /// A subscriber keeping every span here once it closes.
    pub fn subscriber(&self) -> impl Subscriber + Send + Sync {
        tracing_subscriber::registry().with(self.clone())
    }

    /// The spans closed so far, oldest first.
    pub fn closed(&self) -> Vec<ClosedSpan> {
        self.0.lock().unwrap().clone()
    }
}

/// Writes each field's value as text.
struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S> Layer<S> for CollectedSpans
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut span = ClosedSpan {
            name: attrs.metadata().name(),
            ..ClosedSpan::default()
        };
        attrs.record(&mut Fields(&mut span.fields));
        if let Some(found) = ctx.span(id) {
            found.extensions_mut().insert(span);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(found) = ctx.span(id) {
            if let Some(span) = found.extensions_mut().get_mut::<ClosedSpan>() {
                values.record(&mut Fields(&mut span.fields));
            }
        }
    }

    fn on_event(&self, _event: &Event<'_>, ctx: Context<'_, S>) {
        if let Some(found) = ctx.lookup_current() {
            if let Some(span) = found.extensions_mut().get_mut::<ClosedSpan>() {
                span.events += 1;
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(found) = ctx.span(&id) {
            if let Some(span) = found.extensions_mut().remove::<ClosedSpan>() {
                self.0.lock().unwrap().push(span);
            }
        }
    }
}
