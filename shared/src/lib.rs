//! The core every function shares: configuration, errors, HTTP plumbing, auth, models,
//! state machines and the single-table store.

pub mod auth;
pub mod category;
pub mod config;
pub mod credential;
pub mod design;
pub mod error;
pub mod file;
pub mod http;
pub mod identity;
pub mod lambda;
pub mod market;
pub mod metrics;
pub mod mobilization;
pub mod money;
pub mod order;
pub mod quota;
pub mod rating;
pub mod refund;
pub mod service;
pub mod state;
pub mod store;
pub mod text;
pub mod throttle;
pub mod tim;
pub mod time;
pub mod user;

pub use error::ApiError;
pub use state::AppState;
