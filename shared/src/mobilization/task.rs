//! Gathering tasks: what a commander publishes, the counters kept on the task, and the
//! status (征集中 zj / 集合中 jh / 执行中 zx / done) computed from them and the clock.

use serde::{Deserialize, Serialize};

use super::directory::{place_coordinates, Latitude, Level, Longitude, Place, Unit};
use super::error::TaskError;
use super::limits::MAX_TASK_TARGETS;
use crate::text::{BoundedText, BoundedVec, PositiveInt};
use crate::time::{format_datetime, parse_datetime};

/// Who a task was sent to, as the commander chose (shown by `/task/detail/mem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// An office (with everything below it), an organisation, or one member (`indiv`).
    pub kind: TargetKind,
    /// The office, organisation or soldier id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The level of the office (of an organisation: of its office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
}

/// The kind of a [`Target`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// An office and everything below it.
    Office,
    /// An organisation and the organisations below it.
    Org,
    /// One member.
    Indiv,
}

/// A stored task with its counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Task id.
    pub task_id: u64,
    /// Title (任务主题).
    pub title: String,
    /// Members wanted (集合人数).
    pub mem_count: u64,
    /// Launched at, Unix seconds.
    pub launch_at: i64,
    /// Gathering time.
    pub gather_at: i64,
    /// End: the planned finish time, or when it was finished early.
    pub finish_at: i64,
    /// Whether a commander finished it (before `finish_at` passed).
    #[serde(default)]
    pub finished: bool,
    /// Details (任务详情): the task's text, sent as `detail` and shown as `content`
    /// (the seed's answers use `detail` for the progress ratio).
    #[serde(default)]
    pub detail: String,
    /// The gathering place.
    pub place: Place,
    /// The launching commander's soldier id.
    pub launcher: u64,
    /// The launching unit.
    pub launch_unit: Unit,
    /// The launching unit's name (发起单位/组织).
    pub launch_admin: String,
    /// The launching unit and every unit commanding it: the task is listed under each.
    #[serde(default)]
    pub scope: Vec<Unit>,
    /// The targets chosen, in the order they group members.
    pub targets: Vec<Target>,
    /// Members notified (one assignment each).
    pub notify_count: u64,
    /// Members who answered.
    #[serde(default)]
    pub response_count: u64,
    /// Members who accepted.
    #[serde(default)]
    pub accept_count: u64,
    /// Members who checked in.
    #[serde(default)]
    pub check_count: u64,
    /// Sum of the response times, seconds.
    #[serde(default)]
    pub resp_time_sum: i64,
}

/// Where a task stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// 征集中: fewer accepted than wanted; detail = accepted ÷ wanted.
    Recruiting(f64),
    /// 集合中: enough accepted, before the gathering time; detail = checked in ÷ accepted.
    Gathering(f64),
    /// 执行中: after the gathering time, before the end.
    Executing,
    /// Finished, or past its end.
    Done,
}

impl Phase {
    /// The seed's status code, `None` when done.
    pub fn code(self) -> Option<&'static str> {
        match self {
            Phase::Recruiting(_) => Some("zj"),
            Phase::Gathering(_) => Some("jh"),
            Phase::Executing => Some("zx"),
            Phase::Done => None,
        }
    }

    /// The seed's `detail` ratio, shown for zj and jh only.
    pub fn detail(self) -> Option<f64> {
        match self {
            Phase::Recruiting(ratio) | Phase::Gathering(ratio) => Some(ratio),
            Phase::Executing | Phase::Done => None,
        }
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl Task {
    /// Whether the task is over at `now`.
    pub fn is_done(&self, now: i64) -> bool {
        self.finished || now >= self.finish_at
    }

    /// The phase at `now`, from the counters alone (O(1)).
    pub fn phase(&self, now: i64) -> Phase {
        if self.is_done(now) {
            Phase::Done
        } else if now >= self.gather_at {
            Phase::Executing
        } else if self.accept_count < self.mem_count {
            Phase::Recruiting(ratio(self.accept_count, self.mem_count))
        } else {
            Phase::Gathering(ratio(self.check_count, self.accept_count))
        }
    }

    /// Mean response time as `HH:MM:SS` (hours may pass 24).
    pub fn avg_resp_time(&self) -> String {
        let mean = (self.resp_time_sum.max(0) as u64)
            .checked_div(self.response_count)
            .unwrap_or(0);
        format!("{:02}:{:02}:{:02}", mean / 3600, mean / 60 % 60, mean % 60)
    }

    /// A row of `/task/working` (with status and detail) or `/task/done` (with counters).
    pub fn list_row(&self, now: i64) -> TaskRow {
        let phase = self.phase(now);
        let done = phase == Phase::Done;
        TaskRow {
            task_id: self.task_id,
            title: self.title.clone(),
            launch_admin: self.launch_admin.clone(),
            launch_datetime: format_datetime(self.launch_at),
            gather_datetime: (!done).then(|| format_datetime(self.gather_at)),
            finish_datetime: done.then(|| format_datetime(self.finish_at)),
            gather_place: self.place.place_name.clone(),
            status: phase.code(),
            detail: phase.detail(),
            mem_count: self.mem_count,
            response_count: done.then_some(self.response_count),
            accept_count: done.then_some(self.accept_count),
            check_count: done.then_some(self.check_count),
        }
    }

    /// `/task/detail/{id}`: status, detail and `is_launcher` only while the task runs,
    /// `is_launcher` only when true.
    pub fn detail_view(&self, now: i64, caller: u64) -> TaskDetail {
        let phase = self.phase(now);
        let running = phase != Phase::Done;
        TaskDetail {
            task_id: self.task_id,
            title: self.title.clone(),
            launch_admin: self.launch_admin.clone(),
            launch_datetime: format_datetime(self.launch_at),
            gather_datetime: format_datetime(self.gather_at),
            finish_datetime: format_datetime(self.finish_at),
            gather_place: self.place.place_name.clone(),
            place_lat: self.place.place_lat,
            place_lng: self.place.place_lng,
            mem_count: self.mem_count,
            content: self.detail.clone(),
            status: phase.code(),
            detail: phase.detail(),
            is_launcher: running && self.launcher == caller,
        }
    }
}

/// A row of the working and done lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRow {
    /// Task id.
    pub task_id: u64,
    /// Title.
    pub title: String,
    /// Launching unit.
    pub launch_admin: String,
    /// Launch time.
    pub launch_datetime: String,
    /// Gathering time (working list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gather_datetime: Option<String>,
    /// End time (done list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_datetime: Option<String>,
    /// Gathering place name.
    pub gather_place: String,
    /// zj / jh / zx (working list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// Progress ratio for zj and jh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<f64>,
    /// Members wanted.
    pub mem_count: u64,
    /// Members who answered (done list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_count: Option<u64>,
    /// Members who accepted (done list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_count: Option<u64>,
    /// Members who checked in (done list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_count: Option<u64>,
}

/// `/task/detail/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDetail {
    /// Task id.
    pub task_id: u64,
    /// Title.
    pub title: String,
    /// Launching unit.
    pub launch_admin: String,
    /// Launch time.
    pub launch_datetime: String,
    /// Gathering time.
    pub gather_datetime: String,
    /// End time.
    pub finish_datetime: String,
    /// Gathering place name.
    pub gather_place: String,
    /// Latitude.
    pub place_lat: f64,
    /// Longitude.
    pub place_lng: f64,
    /// Members wanted.
    pub mem_count: u64,
    /// The task's text (任务详情, sent as `detail`).
    pub content: String,
    /// zj / jh / zx while running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// Progress ratio for zj and jh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<f64>,
    /// Shown only when the caller launched the running task.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_launcher: bool,
}

/// A `YYYY-MM-DD HH:MM:SS` Shanghai time in a request, held as Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct RequestTime(pub i64);

impl TryFrom<String> for RequestTime {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        parse_datetime(value.trim())
            .map(RequestTime)
            .ok_or_else(|| "must be a time like 2018-05-07 20:00:00".to_owned())
    }
}

/// Most organisations, and most offices, one task may name as targets.
pub const MAX_TARGET_UNITS: usize = 1_000;

/// `POST /task` body (seed field names; `accept_soldr_ids` is the seed's spelling).
#[derive(Debug, Clone, Deserialize)]
pub struct NewTask {
    /// Title, 1–60 characters.
    pub title: BoundedText<1, 60>,
    /// Members wanted, at least 1.
    pub mem_count: PositiveInt,
    /// Accepted and ignored: the server's clock sets the launch time.
    #[serde(default)]
    pub launch_datetime: Option<BoundedText<0, 32>>,
    /// Gathering time.
    pub gather_datetime: RequestTime,
    /// Details, up to 2000 characters.
    #[serde(default)]
    pub detail: Option<BoundedText<0, 2000>>,
    /// A common place id, or -1 to create one from `place_name/lat/lng`.
    pub place_id: i64,
    /// Place name (required with -1).
    #[serde(default)]
    pub place_name: Option<BoundedText<1, 64>>,
    /// Latitude.
    #[serde(default)]
    pub place_lat: Option<Latitude>,
    /// Longitude.
    #[serde(default)]
    pub place_lng: Option<Longitude>,
    /// End time.
    pub finish_datetime: RequestTime,
    /// Organisations (with the organisations below them).
    #[serde(default)]
    pub accept_org_ids: BoundedVec<PositiveInt, 0, MAX_TARGET_UNITS>,
    /// Offices (with everything below them).
    #[serde(default)]
    pub accept_office_ids: BoundedVec<PositiveInt, 0, MAX_TARGET_UNITS>,
    /// Individual members.
    #[serde(default)]
    pub accept_soldr_ids: BoundedVec<PositiveInt, 0, MAX_TASK_TARGETS>,
}

impl NewTask {
    /// The rules between fields: one to [`MAX_TASK_TARGETS`] targets, gathering no later
    /// than the end, an end in the future, a name (and both coordinates or neither) for a
    /// new place.
    pub fn check(&self, now: i64) -> Result<(), TaskError> {
        let targets =
            self.accept_org_ids.len() + self.accept_office_ids.len() + self.accept_soldr_ids.len();
        if targets == 0 {
            return Err(TaskError::invalid(
                "accept_org_ids/accept_office_ids/accept_soldr_ids",
                "至少选择一个接受对象",
            ));
        }
        if targets > MAX_TASK_TARGETS {
            return Err(TaskError::invalid(
                "accept_org_ids/accept_office_ids/accept_soldr_ids",
                format!("一个任务最多 {MAX_TASK_TARGETS} 个接受对象"),
            ));
        }
        if self.gather_datetime.0 > self.finish_datetime.0 {
            return Err(TaskError::invalid(
                "gather_datetime",
                "集合时间不能晚于结束时间",
            ));
        }
        if self.finish_datetime.0 <= now {
            return Err(TaskError::invalid("finish_datetime", "结束时间必须在将来"));
        }
        if self.place_id == -1 && self.place_name.is_none() {
            return Err(TaskError::invalid("place_name", "新建地点需要名称"));
        }
        if self.place_id == -1 {
            self.new_place_coordinates()?;
        }
        if self.place_id < -1 || self.place_id == 0 {
            return Err(TaskError::invalid("place_id", "must be a place id or -1"));
        }
        Ok(())
    }
}

impl NewTask {
    /// The coordinates of a place created with `place_id: -1`: both or neither (0, 0).
    pub fn new_place_coordinates(&self) -> Result<(f64, f64), TaskError> {
        place_coordinates("place_lat/place_lng", self.place_lat, self.place_lng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Task {
            task_id: 1,
            title: "演习".into(),
            mem_count: 4,
            launch_at: 1000,
            gather_at: 2000,
            finish_at: 3000,
            finished: false,
            detail: String::new(),
            place: Place {
                place_id: 1,
                place_name: "新天地".into(),
                place_lat: 0.0,
                place_lng: 0.0,
            },
            launcher: 7,
            launch_unit: Unit::Office(1),
            launch_admin: "市".into(),
            scope: vec![Unit::Office(1)],
            targets: vec![],
            notify_count: 10,
            response_count: 0,
            accept_count: 0,
            check_count: 0,
            resp_time_sum: 0,
        }
    }

    #[test]
    fn phases_follow_counters_and_times() {
        let mut task = task();
        task.accept_count = 1;
        assert_eq!(task.phase(1500), Phase::Recruiting(0.25));
        task.accept_count = 4;
        task.check_count = 1;
        assert_eq!(task.phase(1500), Phase::Gathering(0.25));
        assert_eq!(task.phase(2000), Phase::Executing);
        assert_eq!(task.phase(3000), Phase::Done);
        task.finished = true;
        assert_eq!(task.phase(1500), Phase::Done);
    }

    #[test]
    fn targets_and_new_places_are_bounded() {
        let body = |soldiers: usize, orgs: usize, place: serde_json::Value| {
            let mut body = serde_json::json!({
                "title": "演习", "mem_count": 1, "place_id": 1,
                "gather_datetime": "2030-03-17 10:00:00",
                "finish_datetime": "2030-03-17 12:00:00",
                "accept_soldr_ids": (1..=soldiers).collect::<Vec<_>>(),
                "accept_org_ids": (1..=orgs).collect::<Vec<_>>(),
            });
            if let serde_json::Value::Object(place) = place {
                body.as_object_mut().unwrap().extend(place);
            }
            serde_json::from_value::<NewTask>(body)
        };
        let now = 0;
        let fields = serde_json::Value::Null;
        assert!(body(MAX_TASK_TARGETS, 0, fields.clone())
            .unwrap()
            .check(now)
            .is_ok());
        assert!(body(MAX_TASK_TARGETS + 1, 0, fields.clone()).is_err());
        let refused = body(MAX_TASK_TARGETS, 1, fields)
            .unwrap()
            .check(now)
            .unwrap_err();
        assert!(refused.to_string().contains("最多"), "{refused}");
        let half = serde_json::json!({"place_id": -1, "place_name": "新天地", "place_lat": 39.07});
        let refused = body(1, 0, half).unwrap().check(now).unwrap_err();
        assert!(
            refused.to_string().starts_with("place_lat/place_lng"),
            "{refused}"
        );
    }

    #[test]
    fn average_response_time() {
        let mut task = task();
        assert_eq!(task.avg_resp_time(), "00:00:00");
        task.response_count = 2;
        task.resp_time_sum = 2 * 3661 + 1;
        assert_eq!(task.avg_resp_time(), "01:01:01");
    }

    #[test]
    fn finished_detail_hides_status() {
        let task = task();
        let running = serde_json::to_value(task.detail_view(1500, 7)).unwrap();
        assert_eq!(running["is_launcher"], true);
        assert_eq!(running["status"], "zj");
        let other = serde_json::to_value(task.detail_view(1500, 8)).unwrap();
        assert!(other.get("is_launcher").is_none());
        let done = serde_json::to_value(task.detail_view(3000, 7)).unwrap();
        assert!(done.get("status").is_none() && done.get("is_launcher").is_none());
    }
}
