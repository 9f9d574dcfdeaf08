//! Integration tests: the real application on 127.0.0.1:0 with a temp data folder.

mod audit;
mod budget;
mod cards;
mod cli;
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
mod roles;
mod session;
mod settings;
mod setup;
mod units;
mod users;
mod watches;
