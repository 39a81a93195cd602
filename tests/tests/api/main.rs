//! Black-box tests of every function through its router, against DynamoDB Local.

mod catalog;
mod credentials;
mod envelope;
mod fixture;
mod market;
mod orders;
mod races;
mod ratings;
mod refunds;
mod routes;
mod services;
mod store;
mod tokens;
mod users;
