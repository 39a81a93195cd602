//! The pipeline's metrics (EMF, see `shared::metrics`): `Files` by outcome, and for each
//! original read, `ProcessingMs` and its `Megapixels`.

use shared::metrics::{emit, Metric, Unit};

/// How processing an upload ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineOutcome {
    /// Variants written.
    Ready,
    /// The original is not an acceptable image (the file is `failed` with its reason).
    Rejected,
    /// Lambda gave up on the event (the failure queue's path).
    Failed,
}

/// What processing one original measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// From claiming the file to recording the outcome.
    pub milliseconds: f64,
    /// The original's pixels, in millions, when it decoded.
    pub megapixels: Option<f64>,
}

/// Emits one line for a file processed with `outcome`.
pub fn pipeline(outcome: PipelineOutcome, measure: Option<Measure>) {
    let name = match outcome {
        PipelineOutcome::Ready => "ready",
        PipelineOutcome::Rejected => "rejected",
        PipelineOutcome::Failed => "failed",
    };
    let mut metrics = vec![Metric::count("Files")];
    if let Some(measure) = measure {
        metrics.push(Metric {
            name: "ProcessingMs",
            unit: Unit::Milliseconds,
            value: measure.milliseconds,
        });
        if let Some(megapixels) = measure.megapixels {
            metrics.push(Metric {
                name: "Megapixels",
                unit: Unit::None,
                value: megapixels,
            });
        }
    }
    emit(name, &metrics);
}
