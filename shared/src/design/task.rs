//! Design tasks (设计订单): what a customer publishes for designers to grab, and the
//! pure state machine of its status.

use serde::{Deserialize, Serialize};

use super::values::{Money, PositiveNumber};
use crate::auth::Role;
use crate::file::Photo;
use crate::http::CurrentUser;
use crate::text::BoundedText;
use crate::user::UserView;

/// A task's status (contract §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum TaskStatus {
    /// 0: waiting for the platform's audit.
    PendingAudit,
    /// 1: approved; designers may grab it while slots are free.
    Open,
    /// 2: refused by the audit.
    Refused,
    /// 3: the customer chose a first draft; the other processes are eliminated.
    InProgress,
    /// 4: the chosen process delivered its CAD drawings.
    Done,
}

impl TaskStatus {
    /// Every status.
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::PendingAudit,
        TaskStatus::Open,
        TaskStatus::Refused,
        TaskStatus::InProgress,
        TaskStatus::Done,
    ];
}

impl TryFrom<u8> for TaskStatus {
    type Error = String;

    fn try_from(value: u8) -> Result<Self, String> {
        TaskStatus::ALL
            .get(usize::from(value))
            .copied()
            .ok_or_else(|| format!("no task status {value}"))
    }
}

impl From<TaskStatus> for u8 {
    fn from(status: TaskStatus) -> u8 {
        status as u8
    }
}

/// What happens to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskAction {
    /// The platform approves the task.
    Approve,
    /// The platform refuses the task.
    Refuse,
    /// The customer chooses a first draft.
    ChooseFirstDraft,
    /// The platform approves the CAD delivery of the chosen process.
    Complete,
}

impl TaskAction {
    /// Every action.
    pub const ALL: [TaskAction; 4] = [
        TaskAction::Approve,
        TaskAction::Refuse,
        TaskAction::ChooseFirstDraft,
        TaskAction::Complete,
    ];

    /// Who takes it.
    pub fn actor(self) -> TaskActor {
        match self {
            TaskAction::ChooseFirstDraft => TaskActor::Customer,
            _ => TaskActor::Admin,
        }
    }
}

/// Who acts on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskActor {
    /// The task's customer.
    Customer,
    /// A platform operator.
    Admin,
}

/// The status after `actor` takes `action` on a task in `status`: 10010 for the wrong
/// actor, 10009 when the status does not allow it.
pub fn task_transition(
    status: TaskStatus,
    action: TaskAction,
    actor: TaskActor,
) -> Result<TaskStatus, crate::ApiError> {
    use TaskStatus::*;
    if action.actor() != actor {
        return Err(crate::ApiError::Forbidden);
    }
    match (status, action) {
        (PendingAudit, TaskAction::Approve) => Ok(Open),
        (PendingAudit, TaskAction::Refuse) => Ok(Refused),
        (Open, TaskAction::ChooseFirstDraft) => Ok(InProgress),
        (InProgress, TaskAction::Complete) => Ok(Done),
        _ => Err(crate::ApiError::OperationFailed),
    }
}

/// A stored design task. The customer is a snapshot taken at publication, so that a task
/// reads in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignTask {
    /// Task id.
    pub id: u64,
    /// The customer's user id.
    pub customer_id: u64,
    /// Title.
    pub title: String,
    /// House area, m².
    pub area: f64,
    /// Wished style.
    pub style: String,
    /// Budget, money string.
    pub budget: String,
    /// Address of the house.
    pub address: String,
    /// Description.
    pub description: String,
    /// Reference photos.
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// How many designers may grab it.
    pub slots: u8,
    /// How many did.
    #[serde(default)]
    pub taken: u8,
    /// The designers who grabbed it, in order: what the grab's condition and the
    /// elimination of the others read.
    #[serde(default)]
    pub designers: Vec<u64>,
    /// The processes of those designers, in the same order, as the task shows them
    /// (absent on tasks grabbed before the task showed its processes).
    #[serde(default)]
    pub processes: Vec<ProcessSummary>,
    /// The companies of those designers: who else may read the address (absent on tasks
    /// grabbed before the task kept them; those companies read it in their own task list).
    #[serde(default)]
    pub companies: Vec<u64>,
    /// Status.
    pub status: TaskStatus,
    /// Why the audit refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The customer as shown.
    pub customer: UserView,
    /// Published at, Unix seconds.
    pub created_at: i64,
    /// Whether it is counted in the admin queue totals: false only for tasks stored
    /// before the queues, until `backfill-queues` counts them (see `docs/storage.md`).
    #[serde(default)]
    pub queue_counted: bool,
}

impl DesignTask {
    /// Whether designers may grab it now.
    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open && self.taken < self.slots
    }

    /// Whether `caller` takes part in the task: its customer, a designer who grabbed it,
    /// the company of one, or an admin. Only they see its address and the customer's
    /// contact details.
    pub fn is_party(&self, caller: &CurrentUser) -> bool {
        caller.id == self.customer_id
            || self.designers.contains(&caller.id)
            || (caller.has(Role::Company) && self.companies.contains(&caller.id))
            || caller.has(Role::Admin)
    }
}

/// A process of a task as the task object lists it: who grabbed the task, and the ids a
/// client needs to read that process (`getTaskProcess {task_id, designer_id}`). A
/// snapshot taken at the grab, so that a task (and a page of tasks) reads in one call;
/// the process's step is in its own body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessSummary {
    /// The designer who grabbed the task.
    pub designer_id: u64,
    /// The process (进度id).
    pub process_id: u64,
    /// The designer as shown.
    pub designer: DesignerBrief,
}

/// What a task shows of a designer who grabbed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignerBrief {
    /// Nickname.
    pub nickname: String,
    /// Avatar URL.
    pub avatar: String,
}

impl From<&crate::user::User> for DesignerBrief {
    fn from(user: &crate::user::User) -> Self {
        DesignerBrief {
            nickname: user.nickname.clone(),
            avatar: user.avatar.clone(),
        }
    }
}

/// How many designers may take a task: 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Slots(u8);

impl TryFrom<i64> for Slots {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            1..=5 => Ok(Slots(value as u8)),
            _ => Err("must be an integer from 1 to 5".to_owned()),
        }
    }
}

/// `POST /v1/design/task`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewTask {
    /// 1–60 characters.
    pub title: BoundedText<1, 60>,
    /// m², > 0.
    pub area: PositiveNumber,
    /// Up to 30 characters.
    pub style: BoundedText<0, 30>,
    /// Money string.
    pub budget: Money,
    /// Up to 200 characters.
    pub address: BoundedText<0, 200>,
    /// Up to 2000 characters.
    pub description: BoundedText<0, 2000>,
    /// File ids of ready images of the caller, at most 9.
    #[serde(default)]
    pub photos: PhotoIds,
    /// 1–5, default 3.
    #[serde(default)]
    pub slots: Option<Slots>,
}

/// Up to nine distinct file ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "PhotoIdList")]
pub struct PhotoIds(pub Vec<u64>);

/// A task's photo ids as sent: at most nine, duplicates allowed.
type PhotoIdList = crate::text::BoundedVec<crate::text::PositiveInt, 0, 9>;

impl TryFrom<PhotoIdList> for PhotoIds {
    type Error = String;

    fn try_from(ids: PhotoIdList) -> Result<Self, String> {
        let mut unique: Vec<u64> = Vec::with_capacity(ids.len());
        for id in ids.into_inner() {
            if !unique.contains(&id.get()) {
                unique.push(id.get());
            }
        }
        Ok(PhotoIds(unique))
    }
}

impl NewTask {
    /// The task `id` of `customer`, pending audit, showing `photos`.
    pub fn into_task(
        self,
        id: u64,
        customer: UserView,
        photos: Vec<Photo>,
        now: i64,
    ) -> DesignTask {
        DesignTask {
            id,
            customer_id: customer.id,
            title: self.title.into_inner(),
            area: self.area.get(),
            style: self.style.into_inner(),
            budget: self.budget.into(),
            address: self.address.into_inner(),
            description: self.description.into_inner(),
            photos,
            slots: self.slots.map_or(3, |slots| slots.0),
            taken: 0,
            designers: Vec::new(),
            processes: Vec::new(),
            companies: Vec::new(),
            status: TaskStatus::PendingAudit,
            reason: None,
            customer,
            created_at: now,
            queue_counted: true,
        }
    }
}

/// The task object of contract §10.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskView {
    /// Task id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Area, m².
    pub area: f64,
    /// Style.
    pub style: String,
    /// Budget.
    pub budget: String,
    /// Address: `null` for anyone but the task's parties ([`DesignTask::is_party`]).
    pub address: Option<String>,
    /// Description.
    pub description: String,
    /// Photos.
    pub photos: Vec<Photo>,
    /// Designers allowed.
    pub slots: u8,
    /// Designers who grabbed it.
    pub taken: u8,
    /// Status (0–4).
    pub status: TaskStatus,
    /// The customer (`real_name` and `tel` `null` for anyone but the task's parties).
    pub customer: UserView,
    /// Published at, `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
    /// The processes of the designers who grabbed it, in grab order.
    pub processes: Vec<ProcessSummary>,
}

impl TaskView {
    /// The task object for one of its parties (`party`: the address and the customer's
    /// contact details shown) or for anyone else (both hidden).
    pub fn new(task: DesignTask, party: bool) -> Self {
        TaskView {
            id: task.id,
            title: task.title,
            area: task.area,
            style: task.style,
            budget: task.budget,
            address: party.then_some(task.address),
            description: task.description,
            photos: task.photos,
            slots: task.slots,
            taken: task.taken,
            status: task.status,
            customer: if party {
                task.customer
            } else {
                task.customer.without_contact()
            },
            create_time: crate::time::format_datetime(task.created_at),
            processes: task.processes,
        }
    }

    /// The task object as `caller` may see it.
    pub fn for_caller(task: DesignTask, caller: &CurrentUser) -> Self {
        let party = task.is_party(caller);
        TaskView::new(task, party)
    }
}

/// `POST /v1/admin/design/task/{id}/audit` and the audit steps: `{approve, reason?}`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditBody {
    /// Approve or refuse.
    pub approve: bool,
    /// Why, up to 200 characters: a refused task stores it; a refused upload shows it
    /// next to its `audit_status: 2`.
    #[serde(default)]
    pub reason: Option<BoundedText<0, 200>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_action_and_actor() {
        use TaskStatus::*;
        let allowed = [
            (PendingAudit, TaskAction::Approve, Open),
            (PendingAudit, TaskAction::Refuse, Refused),
            (Open, TaskAction::ChooseFirstDraft, InProgress),
            (InProgress, TaskAction::Complete, Done),
        ];
        for status in TaskStatus::ALL {
            for action in TaskAction::ALL {
                for actor in [TaskActor::Customer, TaskActor::Admin] {
                    let expected = if action.actor() != actor {
                        Err(crate::ApiError::Forbidden)
                    } else {
                        allowed
                            .iter()
                            .find(|(from, act, _)| (*from, *act) == (status, action))
                            .map(|(_, _, to)| *to)
                            .ok_or(crate::ApiError::OperationFailed)
                    };
                    assert_eq!(task_transition(status, action, actor), expected);
                }
            }
        }
    }

    #[test]
    fn address_only_for_the_parties() {
        let request: NewTask = serde_json::from_value(serde_json::json!({
            "title": "三居室", "area": 89.5, "style": "现代", "budget": "20000",
            "address": "北京市朝阳区某街 1 号", "description": "",
        }))
        .unwrap();
        let customer = UserView {
            id: 1,
            nickname: "c".into(),
            avatar: String::new(),
            real_name: Some("王".into()),
            gender: 0,
            tel: Some("13800000000".into()),
        };
        let mut task = request.into_task(5, customer, Vec::new(), 0);
        task.designers = vec![2];
        task.companies = vec![3];
        let caller = |id, roles: &[Role]| {
            CurrentUser::from(crate::user::User {
                id,
                nickname: String::new(),
                avatar: String::new(),
                real_name: None,
                gender: 0,
                tel: None,
                roles: roles.to_vec(),
                company_id: None,
                session_version: 0,
                created_at: 0,
            })
        };
        for (who, party) in [
            (caller(1, &[]), true),
            (caller(2, &[Role::Designer]), true),
            (caller(3, &[Role::Company]), true),
            (caller(9, &[Role::Admin]), true),
            (caller(3, &[]), false),
            (caller(4, &[Role::Designer]), false),
            (caller(8, &[Role::Company]), false),
        ] {
            let view = TaskView::for_caller(task.clone(), &who);
            assert_eq!(view.address.is_some(), party, "{who:?}");
            assert_eq!(view.customer.tel.is_some(), party, "{who:?}");
            assert_eq!(view.title, "三居室");
        }
    }

    #[test]
    fn new_task_bounds() {
        let parse = |json: &str| {
            let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
            value["style"] = "现代".into();
            value["address"] = "北京".into();
            value["description"] = "".into();
            serde_json::from_value::<NewTask>(value)
        };
        let good = r#"{"title":"三居室","area":89.5,"budget":"20000","photos":[1,1,2]}"#;
        let task = parse(good).unwrap();
        assert_eq!(task.photos.0, vec![1, 2]);
        assert!(task.slots.is_none());
        assert!(parse(r#"{"title":"","area":1,"budget":"1"}"#).is_err());
        assert!(parse(r#"{"title":"a","area":0,"budget":"1"}"#).is_err());
        assert!(parse(r#"{"title":"a","area":1,"budget":"1","slots":6}"#).is_err());
        assert!(
            parse(r#"{"title":"a","area":1,"budget":"1","photos":[1,2,3,4,5,6,7,8,9,10]}"#)
                .is_err()
        );
    }
}
