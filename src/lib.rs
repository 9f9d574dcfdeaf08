//! 公物仓 — a virtual public-asset warehouse and exchange platform in one executable.
//!
//! A guided tour, from the inside out:

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Build, serve and shut down the application (port 0 works).
pub mod app;
/// Version, commit, build date and target of this executable.
pub mod build_info;
/// The command line (SPEC §10).
pub mod cli;
/// The demo node: 沈阳市 units, accounts and asset cards from `fixtures/demo/`.
pub mod demo;
/// The rules, without I/O: regions, units, users and roles, the role table, audit hashing.
pub mod domain;
/// Federation by signed bundle files; today the node's ed25519 key pair.
pub mod federation;
/// HTTP: the only module that names axum. API, OpenAPI, embedded UI.
pub mod http;
/// Reading ledger files (xlsx, csv in UTF-8 or GBK) into rows; the import template.
pub mod ledger;
/// Image decoding within limits, quality measures, demo photos.
pub mod media;
/// What differs between operating systems.
pub mod platform;
/// The systemd unit for province and national nodes.
pub mod service;
/// Node set-up shared by `init` and the first-run wizard.
pub mod setup;
/// Storage: the only module that names redb. One write transaction per business action,
/// audit event included; schema version and migrations.
pub mod store;
/// HTTPS for a node serving its city's LAN: given or self-signed certificates (`serve --tls`).
pub mod tls;
