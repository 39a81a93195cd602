//! A member's part in a task (one assignment per member reached): the response
//! (UR unread → AC accepted | RF refused) and the check-in after accepting, as a pure
//! state machine.

use serde::{Deserialize, Serialize};

use super::directory::{Latitude, Longitude};
use super::error::TaskError;

/// The response of an assignment as the seed names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// 未读 — not answered yet.
    UR,
    /// 接受 — accepted.
    AC,
    /// 拒绝 — refused.
    RF,
}

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentState {
    /// Sent, not answered.
    Unread,
    /// Accepted, not checked in.
    Accepted,
    /// Refused.
    Refused,
    /// Accepted and checked in.
    CheckedIn,
}

/// What a member does with an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentAction {
    /// Accept the task.
    Accept,
    /// Refuse the task.
    Refuse,
    /// Check in at the gathering place.
    CheckIn,
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The member the assignment was sent to.
    Target,
    /// Anyone else.
    Other,
}

impl AssignmentState {
    /// The state of a stored response and check-in flag.
    pub fn of(response: Response, checked_in: bool) -> Self {
        match (response, checked_in) {
            (Response::UR, _) => AssignmentState::Unread,
            (Response::RF, _) => AssignmentState::Refused,
            (Response::AC, false) => AssignmentState::Accepted,
            (Response::AC, true) => AssignmentState::CheckedIn,
        }
    }

    /// The response shown for this state.
    pub fn response(self) -> Response {
        match self {
            AssignmentState::Unread => Response::UR,
            AssignmentState::Refused => Response::RF,
            AssignmentState::Accepted | AssignmentState::CheckedIn => Response::AC,
        }
    }
}

/// The next state, or why the action is refused: only the target acts (403); a response
/// happens once, from UR (400); a check-in needs an accepted, not yet checked-in
/// assignment (10027, or 10026 when already checked in).
pub fn transition(
    state: AssignmentState,
    action: AssignmentAction,
    actor: Actor,
) -> Result<AssignmentState, TaskError> {
    use AssignmentAction::*;
    use AssignmentState::*;
    if actor == Actor::Other {
        return Err(TaskError::forbidden("任务没有下发给您"));
    }
    match (state, action) {
        (Unread, Accept) => Ok(Accepted),
        (Unread, Refuse) => Ok(Refused),
        (Accepted | Refused | CheckedIn, Accept | Refuse) => {
            Err(TaskError::Invalid("已经响应过该任务".into()))
        }
        (Accepted, CheckIn) => Ok(CheckedIn),
        (CheckedIn, CheckIn) => Err(TaskError::DuplicateCheckIn),
        (Unread | Refused, CheckIn) => {
            Err(TaskError::CheckInRefused("未接受任务，不能签到".into()))
        }
    }
}

/// One member's assignment to a task, with what the lists show of the member (copied at
/// publish time so a list page is one Query).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The task.
    pub task_id: u64,
    /// The member.
    pub soldier_id: u64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: u64,
    /// IM id.
    pub im_user_id: u64,
    /// The member's unit's name (所属单位).
    pub serve_office: String,
    /// Whether the member commands their unit.
    #[serde(default)]
    pub is_admin: bool,
    /// Index of the task's target that reached the member.
    pub group: usize,
    /// Response.
    pub response: Response,
    /// Answered at, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resp_at: Option<i64>,
    /// Whether the member checked in.
    #[serde(default)]
    pub checked_in: bool,
    /// Checked in at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_at: Option<i64>,
    /// The latitude the check-in was sent with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_lat: Option<f64>,
    /// The longitude the check-in was sent with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_lng: Option<f64>,
}

impl Assignment {
    /// The state-machine view of this assignment.
    pub fn state(&self) -> AssignmentState {
        AssignmentState::of(self.response, self.checked_in)
    }
}

/// `POST /task/checkin/{id}` body: where the member says they are, both optional. Kept
/// on the check-in and shown to commanders; not compared with the gathering place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct CheckInPosition {
    /// Latitude, -90 to 90.
    #[serde(default)]
    pub lat: Option<Latitude>,
    /// Longitude, -180 to 180.
    #[serde(default)]
    pub lng: Option<Longitude>,
}

#[cfg(test)]
mod tests {
    use super::AssignmentAction::*;
    use super::AssignmentState::*;
    use super::*;

    #[test]
    fn every_state_action_actor() {
        let duplicate = Err(TaskError::DuplicateCheckIn);
        let responded = Err(TaskError::Invalid("已经响应过该任务".into()));
        let refused = Err(TaskError::CheckInRefused("未接受任务，不能签到".into()));
        let table = [
            (Unread, Accept, Ok(Accepted)),
            (Unread, Refuse, Ok(Refused)),
            (Unread, CheckIn, refused.clone()),
            (Accepted, Accept, responded.clone()),
            (Accepted, Refuse, responded.clone()),
            (Accepted, CheckIn, Ok(CheckedIn)),
            (Refused, Accept, responded.clone()),
            (Refused, Refuse, responded.clone()),
            (Refused, CheckIn, refused),
            (CheckedIn, Accept, responded.clone()),
            (CheckedIn, Refuse, responded),
            (CheckedIn, CheckIn, duplicate),
        ];
        for (state, action, expected) in table {
            assert_eq!(
                transition(state, action, Actor::Target),
                expected,
                "{state:?} {action:?}"
            );
            assert!(matches!(
                transition(state, action, Actor::Other),
                Err(TaskError::Forbidden(_))
            ));
        }
    }

    #[test]
    fn stored_fields_round_trip() {
        for state in [Unread, Accepted, Refused, CheckedIn] {
            let checked = state == CheckedIn;
            assert_eq!(AssignmentState::of(state.response(), checked), state);
        }
    }
}
