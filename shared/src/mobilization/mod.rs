//! The task mobilization client (任务管理, `/task`): the directory of offices,
//! organisations and members, commanders' scope, gathering tasks with their counters and
//! status, members' assignments, and this client's own error format.

pub mod assignment;
pub mod directory;
pub mod error;
pub mod http;
pub mod limits;
pub mod ops;
pub mod task;

pub use error::TaskError;
