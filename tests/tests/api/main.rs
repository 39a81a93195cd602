//! Black-box tests of every function through its router, against DynamoDB Local.

mod catalog;
mod credentials;
mod design;
mod design_errors;
mod envelope;
mod faults;
mod fixture;
mod logs;
mod routes;
mod store;
mod tokens;
mod users;
