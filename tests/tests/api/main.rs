//! Black-box tests of every function through its router, against DynamoDB Local.

mod catalog;
mod credentials;
mod envelope;
mod files;
mod fixture;
mod routes;
mod store;
mod tokens;
mod users;
