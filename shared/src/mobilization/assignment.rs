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
/// on the check-in and shown to commanders; when both are sent and the gathering place
/// has coordinates, the check-in must be within the configured radius of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct CheckInPosition {
    /// Latitude, -90 to 90.
    #[serde(default)]
    pub lat: Option<Latitude>,
    /// Longitude, -180 to 180.
    #[serde(default)]
    pub lng: Option<Longitude>,
}

impl CheckInPosition {
    /// The position as (latitude, longitude) in degrees, when both were sent.
    pub fn point(&self) -> Option<(f64, f64)> {
        Some((self.lat?.get(), self.lng?.get()))
    }
}

/// How long before the gathering time check-ins open: two hours.
pub const CHECK_IN_OPENS_BEFORE_GATHER: i64 = 2 * 3600;

/// The check-in radius around the gathering place when none is configured: 2 km.
pub const DEFAULT_CHECK_IN_RADIUS_METERS: f64 = 2_000.0;

/// The Earth's mean radius (IUGG), metres.
const EARTH_RADIUS_METERS: f64 = 6_371_008.8;

/// The great-circle distance in metres between two (latitude, longitude) points in
/// degrees, by the haversine formula.
pub fn distance_meters(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lat2) = (from.0.to_radians(), to.0.to_radians());
    let half_dlat = (lat2 - lat1) / 2.0;
    let half_dlng = (to.1 - from.1).to_radians() / 2.0;
    let a = half_dlat.sin().powi(2) + lat1.cos() * lat2.cos() * half_dlng.sin().powi(2);
    2.0 * EARTH_RADIUS_METERS * a.sqrt().min(1.0).asin()
}

/// When and where a check-in counts: from [`CHECK_IN_OPENS_BEFORE_GATHER`] before the
/// gathering time until the task's end (10027 otherwise), and, when the gathering place has
/// coordinates and the member sent theirs, within `radius_meters` of the place (10028).
/// `end` is the task's end (its planned end, or when it was finished early).
pub fn check_in_allowed(
    now: i64,
    gather_at: i64,
    end: i64,
    place: Option<(f64, f64)>,
    member: Option<(f64, f64)>,
    radius_meters: f64,
) -> Result<(), TaskError> {
    if now >= end {
        return Err(TaskError::CheckInRefused("任务已结束".into()));
    }
    if now < gather_at.saturating_sub(CHECK_IN_OPENS_BEFORE_GATHER) {
        return Err(TaskError::CheckInRefused(
            "签到时间未到，集合前2小时开始签到".into(),
        ));
    }
    match (place, member) {
        (Some(place), Some(member)) if distance_meters(place, member) > radius_meters => {
            Err(TaskError::CheckInTooFar)
        }
        _ => Ok(()),
    }
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

    /// Beijing (Tiananmen) and Shanghai (People's Square).
    const BEIJING: (f64, f64) = (39.9042, 116.4074);
    const SHANGHAI: (f64, f64) = (31.2304, 121.4737);

    #[test]
    fn haversine_distances_of_known_points() {
        let km = |from, to| distance_meters(from, to) / 1000.0;
        let beijing_shanghai = km(BEIJING, SHANGHAI);
        assert!(
            (beijing_shanghai - 1068.0).abs() < 2.0,
            "{beijing_shanghai}"
        );
        assert_eq!(km(SHANGHAI, BEIJING), beijing_shanghai, "symmetric");
        assert_eq!(distance_meters(BEIJING, BEIJING), 0.0);
        // Across the antimeridian: 179.5° E to 179.5° W on the equator is one degree.
        let across = km((0.0, 179.5), (0.0, -179.5));
        assert!((across - 111.195).abs() < 0.01, "{across}");
        // One degree of latitude anywhere on a meridian.
        let degree = km((45.0, 10.0), (46.0, 10.0));
        assert!((degree - 111.195).abs() < 0.01, "{degree}");
        // Antipodes: half the circumference, no NaN from rounding.
        let half = km((0.0, 0.0), (0.0, 180.0));
        assert!((half - 20_015.1).abs() < 0.1, "{half}");
        assert!((km((90.0, 0.0), (-90.0, 0.0)) - half).abs() < 1e-6);
    }

    #[test]
    fn check_in_window_and_radius() {
        const GATHER: i64 = 100_000;
        const END: i64 = 110_000;
        const OPENS: i64 = GATHER - CHECK_IN_OPENS_BEFORE_GATHER;
        let place = Some((23.116, 113.268));
        let near = Some((23.125, 113.268)); // about 1 km north
        let far = Some(BEIJING);
        let early = Err(TaskError::CheckInRefused(
            "签到时间未到，集合前2小时开始签到".into(),
        ));
        let ended = Err(TaskError::CheckInRefused("任务已结束".into()));
        let too_far = Err(TaskError::CheckInTooFar);
        let table = [
            // (now, place, member, radius, expected)
            (OPENS - 86_400, place, near, 2_000.0, early.clone()),
            (OPENS - 1, place, near, 2_000.0, early.clone()),
            (OPENS - 1, None, None, 2_000.0, early),
            (OPENS, place, near, 2_000.0, Ok(())),
            (GATHER, place, near, 2_000.0, Ok(())),
            (END - 1, place, near, 2_000.0, Ok(())),
            (END, place, near, 2_000.0, ended.clone()),
            (END + 86_400, None, None, 2_000.0, ended),
            (GATHER, place, far, 2_000.0, too_far.clone()),
            (GATHER, place, near, 500.0, too_far),
            (GATHER, place, far, 2_000_000.0, Ok(())),
            (GATHER, None, far, 2_000.0, Ok(())),
            (GATHER, place, None, 2_000.0, Ok(())),
            (GATHER, place, place, 0.0, Ok(())),
        ];
        for (now, place, member, radius, expected) in table {
            assert_eq!(
                check_in_allowed(now, GATHER, END, place, member, radius),
                expected,
                "now {now}, place {place:?}, member {member:?}, radius {radius}"
            );
        }
    }

    #[test]
    fn a_position_needs_both_coordinates() {
        let position: CheckInPosition =
            serde_json::from_value(serde_json::json!({"lat": 23.1})).unwrap();
        assert_eq!(position.point(), None);
        let position: CheckInPosition =
            serde_json::from_value(serde_json::json!({"lat": 23.1, "lng": 113.2})).unwrap();
        assert_eq!(position.point(), Some((23.1, 113.2)));
    }

    #[test]
    fn stored_fields_round_trip() {
        for state in [Unread, Accepted, Refused, CheckedIn] {
            let checked = state == CheckedIn;
            assert_eq!(AssignmentState::of(state.response(), checked), state);
        }
    }
}
