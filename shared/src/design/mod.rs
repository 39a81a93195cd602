//! The interior-design order platform: tasks published by customers, grabbed by
//! designers, and the 14-step process of each designer on a task (`getTaskProcess`).

pub mod process;
pub mod service;
pub mod steps;
pub mod task;
pub mod values;
pub mod workflow;
