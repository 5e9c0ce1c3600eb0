//! The emulator's tests, one module per subject, in one binary.

mod billing;
mod binary;
mod cards;
mod conformance;
mod faults;
mod flows;
mod front_doors;
mod lifecycle;
mod payments;
mod support;
mod webhooks;
