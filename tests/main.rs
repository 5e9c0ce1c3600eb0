//! The workspace's integration tests, one module per subject, in one binary.

mod api_sample;
mod call_settings;
mod client_config;
mod coverage;
mod decode;
mod doc_targets;
mod dynamic;
mod errors;
mod every_resource;
mod fleet_rate_limit;
mod freshness;
mod hostile_network;
mod lenient_decode;
mod msrv;
mod pagination;
mod real_payloads;
mod reliability;
mod self_contained;
mod test_targets;
mod webhook;
mod wire;
mod write_side;
