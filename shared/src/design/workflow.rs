//! The 14 steps of a design process (设计师与订单的关联表) as a pure state machine.
//!
//! A process is created by a grab (step 1). Five steps upload something (drafts and
//! vouchers); the step after each upload audits or chooses it. A refused audit keeps the
//! process on the upload step, marked `refused`, until the upload is sent again. An
//! eliminated process (its draft was not chosen) takes no action any more.

use serde::{Deserialize, Serialize};

/// A step of the workflow; the number is the seed's `step_id`, the legacy status code is
/// in [`Step::legacy_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Step {
    /// 0 发布并审核: the task is published and audited.
    Publish,
    /// 1 抢单: a designer grabbed the task.
    Grab,
    /// 2 上传初稿: the designer uploaded a first draft.
    FirstDraft,
    /// 3 审核初稿: the designer's company approved it.
    FirstDraftAudit,
    /// 4 选初稿: the customer chose it.
    FirstDraftChoice,
    /// 5 支付定金: the customer uploaded the deposit voucher.
    DepositVoucher,
    /// 6 审核定金支付凭证: the platform approved it.
    DepositAudit,
    /// 7 上传终稿: the designer uploaded the final draft.
    FinalDraft,
    /// 8 审核终稿: the company approved it.
    FinalDraftAudit,
    /// 9 选择终稿: the customer chose it.
    FinalDraftChoice,
    /// 10 支付尾款: the customer uploaded the retainage voucher.
    RetainageVoucher,
    /// 11 审核尾款支付凭证: the platform approved it.
    RetainageAudit,
    /// 12 上传施工图凭证: the designer uploaded the CAD delivery voucher.
    CadVoucher,
    /// 13 审核完结: the platform approved it; the process is done.
    CadAudit,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 14] = [
        Step::Publish,
        Step::Grab,
        Step::FirstDraft,
        Step::FirstDraftAudit,
        Step::FirstDraftChoice,
        Step::DepositVoucher,
        Step::DepositAudit,
        Step::FinalDraft,
        Step::FinalDraftAudit,
        Step::FinalDraftChoice,
        Step::RetainageVoucher,
        Step::RetainageAudit,
        Step::CadVoucher,
        Step::CadAudit,
    ];

    /// The seed's `step_id`.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The status code of the legacy system (7 … 19, then 80 for the finished process).
    pub fn legacy_code(self) -> u8 {
        match self {
            Step::CadAudit => 80,
            step => step.id() + 7,
        }
    }

    /// The step after this one (none after the last).
    pub fn next(self) -> Option<Step> {
        Step::try_from(self.id() + 1).ok()
    }

    /// What kind of step this is.
    pub fn kind(self) -> StepKind {
        match self {
            Step::Publish | Step::Grab => StepKind::Start,
            Step::FirstDraft
            | Step::DepositVoucher
            | Step::FinalDraft
            | Step::RetainageVoucher
            | Step::CadVoucher => StepKind::Upload,
            Step::FirstDraftAudit
            | Step::DepositAudit
            | Step::FinalDraftAudit
            | Step::RetainageAudit
            | Step::CadAudit => StepKind::Audit,
            Step::FirstDraftChoice | Step::FinalDraftChoice => StepKind::Choice,
        }
    }

    /// The step before this one (none before the first).
    pub fn previous(self) -> Option<Step> {
        self.id()
            .checked_sub(1)
            .and_then(|id| Step::try_from(id).ok())
    }

    /// Who takes this step (`None` for the steps a process starts with).
    pub fn actor(self) -> Option<Actor> {
        match self {
            Step::Publish | Step::Grab => None,
            Step::FirstDraft | Step::FinalDraft | Step::CadVoucher => Some(Actor::Designer),
            Step::FirstDraftAudit | Step::FinalDraftAudit => Some(Actor::Company),
            Step::FirstDraftChoice
            | Step::DepositVoucher
            | Step::FinalDraftChoice
            | Step::RetainageVoucher => Some(Actor::Customer),
            Step::DepositAudit | Step::RetainageAudit | Step::CadAudit => Some(Actor::Admin),
        }
    }
}

/// The kinds of steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Publication and grab: they happen outside a process's step routes.
    Start,
    /// Uploads data that the seed returns with the step (drafts, vouchers).
    Upload,
    /// Audits the upload of the step before.
    Audit,
    /// The customer chooses (or eliminates) the draft audited in the step before.
    Choice,
}

impl TryFrom<u8> for Step {
    type Error = String;

    fn try_from(value: u8) -> Result<Self, String> {
        Step::ALL
            .get(usize::from(value))
            .copied()
            .ok_or_else(|| format!("no step {value}"))
    }
}

impl From<Step> for u8 {
    fn from(step: Step) -> u8 {
        step.id()
    }
}

/// Who acts on a process, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The process's designer.
    Designer,
    /// That designer's design company.
    Company,
    /// The task's customer (who published it).
    Customer,
    /// A platform operator (role `admin`).
    Admin,
}

impl Actor {
    /// Every actor.
    pub const ALL: [Actor; 4] = [
        Actor::Designer,
        Actor::Company,
        Actor::Customer,
        Actor::Admin,
    ];
}

/// An audit's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Approved: the process moves on.
    Approve,
    /// Refused: the upload must be sent again.
    Refuse,
}

/// A customer's choice of a draft (`choose: 1|2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    /// 1: chosen; the process moves on.
    Choose,
    /// 2: eliminated; the process stops.
    Eliminate,
}

/// What an actor does to a process: one per `{step}` route segment. The step is the one
/// the action performs (an upload step, an audit step or a choice step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Upload the data of an upload step.
    Upload(Step),
    /// Audit the upload of the step before this audit step.
    Audit(Step, Verdict),
    /// Choose or eliminate the draft audited in the step before this choice step.
    Choose(Step, Choice),
    /// Set the 3D case link (`vr_url`); the step does not change.
    SetVrUrl,
}

impl Action {
    /// Every action of the step routes, with every verdict and choice.
    pub fn all() -> Vec<Action> {
        let mut all = vec![Action::SetVrUrl];
        for step in Step::ALL {
            match step.kind() {
                StepKind::Start => {}
                StepKind::Upload => all.push(Action::Upload(step)),
                StepKind::Audit => {
                    all.push(Action::Audit(step, Verdict::Approve));
                    all.push(Action::Audit(step, Verdict::Refuse));
                }
                StepKind::Choice => {
                    all.push(Action::Choose(step, Choice::Choose));
                    all.push(Action::Choose(step, Choice::Eliminate));
                }
            }
        }
        all
    }

    /// The step the action performs (`None` for `SetVrUrl`).
    pub fn step(self) -> Option<Step> {
        match self {
            Action::Upload(step) | Action::Audit(step, _) | Action::Choose(step, _) => Some(step),
            Action::SetVrUrl => None,
        }
    }

    /// Who may take this action.
    pub fn actor(self) -> Option<Actor> {
        match self.step() {
            None => Some(Actor::Designer),
            Some(step) => step.actor(),
        }
    }

    /// Whether the action names a step of its own kind (an upload of an upload step, …).
    fn is_well_formed(self) -> bool {
        let expected = match self {
            Action::SetVrUrl => return true,
            Action::Upload(_) => StepKind::Upload,
            Action::Audit(..) => StepKind::Audit,
            Action::Choose(..) => StepKind::Choice,
        };
        self.step().map(Step::kind) == Some(expected)
    }
}

/// Where a process is: its step, whether the upload of that step was refused, and whether
/// the process was eliminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct State {
    /// The current `step_id`.
    pub step: Step,
    /// The upload of `step` was refused by its audit and waits to be sent again.
    #[serde(default)]
    pub refused: bool,
    /// A customer's choice eliminated this process; it takes no action any more.
    #[serde(default)]
    pub eliminated: bool,
}

impl State {
    /// A freshly grabbed process.
    pub fn grabbed() -> State {
        State {
            step: Step::Grab,
            refused: false,
            eliminated: false,
        }
    }

    /// Who must audit the upload the process waits with (the platform for the vouchers,
    /// the designer's company for the drafts); `None` unless it waits for an audit: on an
    /// upload step, neither refused nor eliminated.
    pub fn awaited_auditor(self) -> Option<Actor> {
        if self.refused || self.eliminated || self.step.kind() != StepKind::Upload {
            return None;
        }
        self.step.next().and_then(Step::actor)
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The actor may not take this action (10010).
    #[error("this party may not take the action")]
    WrongActor,
    /// The process's state does not allow the action (10009).
    #[error("the process's step does not allow the action")]
    NotAllowed,
}

impl From<WorkflowError> for crate::ApiError {
    fn from(error: WorkflowError) -> Self {
        match error {
            WorkflowError::WrongActor => crate::ApiError::Forbidden,
            WorkflowError::NotAllowed => crate::ApiError::OperationFailed,
        }
    }
}

/// The state after `actor` takes `action` on a process in `state`.
///
/// The actor is checked first (a stranger learns nothing about the process's state); an
/// eliminated process refuses everything; each step is reached from the one before it,
/// and an upload is also accepted again after its audit refused it.
pub fn transition(state: State, action: Action, actor: Actor) -> Result<State, WorkflowError> {
    if action.actor() != Some(actor) {
        return Err(WorkflowError::WrongActor);
    }
    if state.eliminated || !action.is_well_formed() {
        return Err(WorkflowError::NotAllowed);
    }
    let Some(step) = action.step() else {
        return Ok(state);
    };
    let follows = step.previous() == Some(state.step) && !state.refused;
    let moved = State {
        step,
        refused: false,
        eliminated: false,
    };
    match action {
        Action::Upload(_) if follows || (state.step == step && state.refused) => Ok(moved),
        Action::Audit(_, Verdict::Approve) | Action::Choose(_, Choice::Choose) if follows => {
            Ok(moved)
        }
        Action::Audit(_, Verdict::Refuse) if follows => Ok(State {
            refused: true,
            ..state
        }),
        Action::Choose(_, Choice::Eliminate) if follows => Ok(State {
            eliminated: true,
            ..state
        }),
        _ => Err(WorkflowError::NotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Step::*;

    fn at(step: Step, refused: bool, eliminated: bool) -> State {
        State {
            step,
            refused,
            eliminated,
        }
    }

    /// The step-transition table: (from, refused) —action by actor→ (to, refused, eliminated).
    /// `vr-url` (any live state, designer, unchanged) is checked separately.
    #[rustfmt::skip]
    fn table() -> Vec<(State, Action, Actor, State)> {
        use Actor::*;
        let ok = |s| at(s, false, false);
        let refused = |s| at(s, true, false);
        let out = |s| at(s, false, true);
        let approve = Verdict::Approve;
        let refuse = Verdict::Refuse;
        vec![
            (ok(Grab), Action::Upload(FirstDraft), Designer, ok(FirstDraft)),
            (refused(FirstDraft), Action::Upload(FirstDraft), Designer, ok(FirstDraft)),
            (ok(FirstDraft), Action::Audit(FirstDraftAudit, approve), Company, ok(FirstDraftAudit)),
            (ok(FirstDraft), Action::Audit(FirstDraftAudit, refuse), Company, refused(FirstDraft)),
            (ok(FirstDraftAudit), Action::Choose(FirstDraftChoice, Choice::Choose), Customer, ok(FirstDraftChoice)),
            (ok(FirstDraftAudit), Action::Choose(FirstDraftChoice, Choice::Eliminate), Customer, out(FirstDraftAudit)),
            (ok(FirstDraftChoice), Action::Upload(DepositVoucher), Customer, ok(DepositVoucher)),
            (refused(DepositVoucher), Action::Upload(DepositVoucher), Customer, ok(DepositVoucher)),
            (ok(DepositVoucher), Action::Audit(DepositAudit, approve), Admin, ok(DepositAudit)),
            (ok(DepositVoucher), Action::Audit(DepositAudit, refuse), Admin, refused(DepositVoucher)),
            (ok(DepositAudit), Action::Upload(FinalDraft), Designer, ok(FinalDraft)),
            (refused(FinalDraft), Action::Upload(FinalDraft), Designer, ok(FinalDraft)),
            (ok(FinalDraft), Action::Audit(FinalDraftAudit, approve), Company, ok(FinalDraftAudit)),
            (ok(FinalDraft), Action::Audit(FinalDraftAudit, refuse), Company, refused(FinalDraft)),
            (ok(FinalDraftAudit), Action::Choose(FinalDraftChoice, Choice::Choose), Customer, ok(FinalDraftChoice)),
            (ok(FinalDraftAudit), Action::Choose(FinalDraftChoice, Choice::Eliminate), Customer, out(FinalDraftAudit)),
            (ok(FinalDraftChoice), Action::Upload(RetainageVoucher), Customer, ok(RetainageVoucher)),
            (refused(RetainageVoucher), Action::Upload(RetainageVoucher), Customer, ok(RetainageVoucher)),
            (ok(RetainageVoucher), Action::Audit(RetainageAudit, approve), Admin, ok(RetainageAudit)),
            (ok(RetainageVoucher), Action::Audit(RetainageAudit, refuse), Admin, refused(RetainageVoucher)),
            (ok(RetainageAudit), Action::Upload(CadVoucher), Designer, ok(CadVoucher)),
            (refused(CadVoucher), Action::Upload(CadVoucher), Designer, ok(CadVoucher)),
            (ok(CadVoucher), Action::Audit(CadAudit, approve), Admin, ok(CadAudit)),
            (ok(CadVoucher), Action::Audit(CadAudit, refuse), Admin, refused(CadVoucher)),
        ]
    }

    #[test]
    fn every_state_action_and_actor() {
        let table = table();
        let mut checked = 0;
        for step in Step::ALL {
            for refused in [false, true] {
                for eliminated in [false, true] {
                    let from = at(step, refused, eliminated);
                    for action in Action::all() {
                        for actor in Actor::ALL {
                            let expected = if action.actor() != Some(actor) {
                                Err(WorkflowError::WrongActor)
                            } else if eliminated {
                                Err(WorkflowError::NotAllowed)
                            } else if action == Action::SetVrUrl {
                                Ok(from)
                            } else {
                                table
                                    .iter()
                                    .find(|(f, a, who, _)| (*f, *a, *who) == (from, action, actor))
                                    .map(|(_, _, _, to)| *to)
                                    .ok_or(WorkflowError::NotAllowed)
                            };
                            assert_eq!(
                                transition(from, action, actor),
                                expected,
                                "{from:?} {action:?} by {actor:?}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 14 * 4 * Action::all().len() * 4);
        assert_eq!(Action::all().len(), 1 + 5 + 5 * 2 + 2 * 2);
    }

    #[test]
    fn malformed_actions_are_refused() {
        let state = at(Grab, false, false);
        assert_eq!(
            transition(
                state,
                Action::Audit(FirstDraft, Verdict::Approve),
                Actor::Designer
            ),
            Err(WorkflowError::NotAllowed)
        );
        assert_eq!(
            transition(state, Action::Upload(Publish), Actor::Designer),
            Err(WorkflowError::WrongActor)
        );
    }

    #[test]
    fn audits_awaited_by_step() {
        let awaited: Vec<(u8, Actor)> = Step::ALL
            .iter()
            .filter_map(|step| {
                at(*step, false, false)
                    .awaited_auditor()
                    .map(|actor| (step.id(), actor))
            })
            .collect();
        use Actor::{Admin, Company};
        assert_eq!(
            awaited,
            [
                (2, Company),
                (5, Admin),
                (7, Company),
                (10, Admin),
                (12, Admin)
            ]
        );
        assert_eq!(at(FirstDraft, true, false).awaited_auditor(), None);
        assert_eq!(at(DepositVoucher, false, true).awaited_auditor(), None);
    }

    #[test]
    fn ids_and_legacy_codes() {
        let codes: Vec<u8> = Step::ALL.iter().map(|step| step.legacy_code()).collect();
        assert_eq!(codes, [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 80]);
        assert_eq!(Step::try_from(13), Ok(CadAudit));
        assert!(Step::try_from(14).is_err());
        assert_eq!(Publish.previous(), None);
        assert_eq!(CadAudit.next(), None);
    }
}
