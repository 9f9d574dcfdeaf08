//! Integration tests: the real application on 127.0.0.1:0 with a temp data folder.

mod audit;
mod backups;
mod budget;
mod cards;
mod cli;
#[cfg(unix)]
mod crash;
mod demands;
mod demo_numbers;
mod exchange;
mod federation;
mod federation_http;
mod helpers;
mod http_basics;
mod import;
mod interests;
mod lifecycle;
mod listing_model;
mod listings;
mod locations;
mod peers;
mod photos;
mod reports;
mod roles;
mod security;
mod session;
mod settings;
mod setup;
mod stocktakes;
mod tls;
mod units;
mod upgrade;
mod users;
mod watches;
