//! Black-box tests of every function through its router, against DynamoDB Local.

mod attacks_files;
mod catalog;
mod clients;
mod credentials;
mod design;
mod design_errors;
mod envelope;
mod faults;
mod files;
mod fixture;
mod fuzzed;
mod logs;
mod market;
mod mobilization;
mod mobilization_tasks;
mod orders;
mod races;
mod ratings;
mod refunds;
mod routes;
mod security;
mod services;
mod store;
mod tokens;
mod users;
