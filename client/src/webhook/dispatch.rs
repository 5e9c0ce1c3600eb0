//! Routing each webhook event to the handler of its type, once.

use crate::enums::EventType;
use crate::event_content::TypedContent;
use crate::webhook_event::WebhookEvent;
use futures::future::BoxFuture;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// What a handler may fail with: the receiver answers 500, and Chargebee sends the event
/// again later.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type Handler =
    Box<dyn Fn(WebhookEvent) -> BoxFuture<'static, Result<(), HandlerError>> + Send + Sync>;

/// Which events were handled already, by id: Chargebee may deliver an event more than once
/// (a retry after a timeout, a resend), and handles it once only when told.
///
/// Checked before an event is handled and written after its handler succeeds, so an event
/// whose handler failed is handled again when it comes back. Two deliveries of one event at
/// the same moment can both pass the check: a store shared by several processes (a database
/// table with a unique key) closes that gap.
pub trait EventLog: Send + Sync {
    /// Whether event `id` was handled.
    fn handled(&self, id: &str) -> bool;
    /// Notes that event `id` was handled.
    fn mark_handled(&self, id: &str);
}

/// An [`EventLog`] in memory, remembering the latest `capacity` event ids of this process.
pub struct MemoryEventLog {
    capacity: usize,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl MemoryEventLog {
    /// A log of the latest `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        MemoryEventLog {
            capacity: capacity.max(1),
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }
}

impl EventLog for MemoryEventLog {
    fn handled(&self, id: &str) -> bool {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.0.contains(id)
    }

    fn mark_handled(&self, id: &str) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (ids, order) = &mut *seen;
        if ids.insert(id.to_string()) {
            order.push_back(id.to_string());
            while order.len() > self.capacity {
                if let Some(oldest) = order.pop_front() {
                    ids.remove(&oldest);
                }
            }
        }
    }
}

/// What [`Dispatcher::dispatch`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its type's handler (or the fallback) handled it.
    Handled,
    /// It was handled before: no handler ran.
    Duplicate,
    /// No handler is set for its type and there is no fallback: nothing ran, and it is not
    /// noted as handled.
    Unhandled,
}

/// Routes webhook events to handlers by event type, each event once.
///
/// ```
/// use chargebee::enums::EventType;
/// use chargebee::event_content::{PaymentFailed, SubscriptionCreated};
/// use chargebee::webhook::Dispatcher;
///
/// let dispatcher = Dispatcher::new()
///     .on(|event, content: SubscriptionCreated| async move {
///         let subscription = content.subscription.ok_or("no subscription")?;
///         println!("{}: new subscription {}", event.id, subscription.id);
///         Ok(())
///     })
///     .on(|_, content: PaymentFailed| async move {
///         println!("payment failed: {:?}", content.transaction.map(|t| t.id));
///         Ok(())
///     })
///     .on_type(EventType::DunningUpdated, |event| async move {
///         // No documented content list for this type: the whole content, untyped.
///         println!("{:?}", event.content.invoice.map(|i| i.id));
///         Ok(())
///     })
///     .fallback(|event| async move {
///         println!("not handled here: {:?}", event.event_type);
///         Ok(())
///     });
/// # let _ = dispatcher;
/// ```
pub struct Dispatcher {
    handlers: Vec<(EventType, Handler)>,
    fallback: Option<Handler>,
    log: Arc<dyn EventLog>,
}

impl Default for Dispatcher {
    fn default() -> Self {
        Dispatcher::new()
    }
}

impl Dispatcher {
    /// A dispatcher with no handlers, remembering the latest 10,000 handled event ids in
    /// memory ([`MemoryEventLog`]).
    pub fn new() -> Self {
        Dispatcher {
            handlers: Vec::new(),
            fallback: None,
            log: Arc::new(MemoryEventLog::new(10_000)),
        }
    }

    /// Handles events of `T`'s type with `handler`, given the event and its content as `T`
    /// (the resources Chargebee documents for that type, moved out of the event, whose
    /// `content` is then empty), in place of a handler set before for that type.
    pub fn on<T, F, Fut>(self, handler: F) -> Self
    where
        T: TypedContent + Send + 'static,
        F: Fn(WebhookEvent, T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.on_type(T::EVENT_TYPE, move |mut event| {
            let content = T::from_content(std::mem::take(&mut event.content));
            handler(event, content)
        })
    }

    /// Handles events of `event_type` with `handler`, given the event with its content
    /// untyped, in place of a handler set before for that type.
    pub fn on_type<F, Fut>(mut self, event_type: EventType, handler: F) -> Self
    where
        F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.handlers.retain(|(kind, _)| *kind != event_type);
        self.handlers.push((event_type, boxed(handler)));
        self
    }

    /// Handles events no other handler takes (types this version does not know among them).
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.fallback = Some(boxed(handler));
        self
    }

    /// Remembers handled events in `log` instead of in memory.
    pub fn event_log(mut self, log: Arc<dyn EventLog>) -> Self {
        self.log = log;
        self
    }

    /// Runs the handler of `event`'s type (or the fallback), unless the event was handled
    /// before; notes it handled when its handler succeeds.
    pub async fn dispatch(&self, event: WebhookEvent) -> Result<Outcome, HandlerError> {
        if self.log.handled(&event.id) {
            return Ok(Outcome::Duplicate);
        }
        let handler = event
            .event_type
            .as_ref()
            .and_then(|kind| self.handlers.iter().find(|(k, _)| k == kind))
            .map(|(_, handler)| handler)
            .or(self.fallback.as_ref());
        let Some(handler) = handler else {
            return Ok(Outcome::Unhandled);
        };
        let id = event.id.clone();
        handler(event).await?;
        self.log.mark_handled(&id);
        Ok(Outcome::Handled)
    }
}

/// `handler` as a boxed handler.
fn boxed<F, Fut>(handler: F) -> Handler
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    Box::new(move |event| Box::pin(handler(event)))
}
