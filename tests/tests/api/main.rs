//! Black-box tests of every function through its router, against DynamoDB Local.

mod catalog;
mod credentials;
mod envelope;
mod fixture;
mod routes;
mod tokens;
mod users;
