//! Processes (设计师与订单的关联表): one designer's way through a task, the data uploaded
//! on the way, the step routes' bodies, and the `getTaskProcess` body.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::steps::StepConfig;
use super::task::{AuditBody, DesignerBrief};
use super::values::{Money, PositiveNumber};
use super::workflow::{Action, Actor, Choice, State, Step, StepKind, Verdict};
use crate::auth::Role;
use crate::error::ApiError;
use crate::file::Photo;
use crate::http::CurrentUser;
use crate::text::{BoundedText, BoundedVec, HttpsUrl, PositiveInt};
use crate::user::UserView;

/// A stored process: who takes part, where it is, and when each step was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Process {
    /// Process id (进度id).
    pub id: u64,
    /// The task.
    pub task_id: u64,
    /// The designer who grabbed it.
    pub designer_id: u64,
    /// The designer's company (a user with role `company`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// The task's customer.
    pub customer_id: u64,
    /// Current step.
    pub step_id: Step,
    /// The upload of `step_id` was refused and waits to be sent again.
    #[serde(default)]
    pub refused: bool,
    /// Why the audit refused the upload of `step_id`, while it waits to be sent again
    /// (none when the auditor gave no reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The customer eliminated this process (or chose another one's draft).
    #[serde(default)]
    pub eliminated: bool,
    /// When each reached step was (last) done, Unix seconds, by step id.
    #[serde(default)]
    pub times: BTreeMap<String, i64>,
    /// The 3D case link.
    #[serde(default)]
    pub vr_url: String,
    /// The task's title, taken at the grab for the audit queues ("" on processes grabbed
    /// before, until the queue backfill).
    #[serde(default)]
    pub title: String,
    /// The designer as the task lists them, taken at the grab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designer: Option<DesignerBrief>,
    /// The task's customer, taken at the grab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<UserView>,
    /// The upload waiting for its audit, while the process is in an audit queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<StepItem>,
    /// Counted in the total of its audit queue (processes stored before the queues are
    /// not, until the backfill).
    #[serde(default)]
    pub queue_counted: bool,
}

impl Process {
    /// Where the process is, for [`super::workflow::transition`].
    pub fn state(&self) -> State {
        State {
            step: self.step_id,
            refused: self.refused,
            eliminated: self.eliminated,
        }
    }

    /// What `caller` is to this process (possibly several things, possibly nothing).
    pub fn parties(&self, caller: &CurrentUser) -> Vec<Actor> {
        let mut parties = Vec::new();
        if caller.id == self.designer_id {
            parties.push(Actor::Designer);
        }
        if self.company_id == Some(caller.id) && caller.has(Role::Company) {
            parties.push(Actor::Company);
        }
        if caller.id == self.customer_id {
            parties.push(Actor::Customer);
        }
        if caller.has(Role::Admin) {
            parties.push(Actor::Admin);
        }
        parties
    }

    /// The attribute naming `actor`'s user on the process (none for admins, who act by
    /// role), so that a write can be conditioned on the actor as well as on the state.
    pub fn actor_attribute(actor: Actor) -> Option<&'static str> {
        match actor {
            Actor::Designer => Some("designer_id"),
            Actor::Company => Some("company_id"),
            Actor::Customer => Some("customer_id"),
            Actor::Admin => None,
        }
    }

    /// The key of `step` in [`Process::times`].
    pub fn time_key(step: Step) -> String {
        step.id().to_string()
    }

    /// When `step` was done, if it was reached.
    pub fn time_of(&self, step: Step) -> Option<i64> {
        self.times.get(&Self::time_key(step)).copied()
    }

    /// The audit status of the upload of `upload`: 1 once the process moved past it,
    /// 2 while refused, 0 while waiting for its audit.
    fn audit_status(&self, upload: Step) -> u8 {
        match (self.step_id > upload, self.refused) {
            (true, _) => 1,
            (false, true) => 2,
            (false, false) => 0,
        }
    }

    /// Why the upload of `upload` was refused, while it is (its `audit_status` is 2).
    fn refusal_reason(&self, upload: Step) -> Option<String> {
        (self.audit_status(upload) == 2)
            .then(|| self.reason.clone())
            .flatten()
    }

    /// The customer's choice of the draft chosen at `choice`: 1 chosen, 2 eliminated,
    /// 0 not yet.
    fn choose_status(&self, choice: Step) -> u8 {
        match (self.step_id >= choice, self.eliminated) {
            (true, _) => 1,
            (false, true) => 2,
            (false, false) => 0,
        }
    }
}

/// A room of a final draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    /// 客厅, 餐厅, 卧室 …
    pub name: String,
    /// Explanation.
    pub explain: String,
    /// Parts of the room (电视墙, 浴室柜 …).
    pub part: Vec<RoomPart>,
}

/// A part of a room, with its picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomPart {
    /// Name.
    pub name: String,
    /// Picture.
    pub photo: Photo,
}

/// The data an upload step stores (the seed's operation data, 操作数据).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepData {
    /// Step 2: 初稿.
    FirstDraft {
        /// Picture.
        photo: Photo,
        /// 设计说明.
        explain: String,
        /// 定金金额.
        deposit: String,
    },
    /// Step 5: 定金支付凭证.
    FirstReception {
        /// Voucher picture.
        photo: Photo,
        /// Amount paid.
        amount: f64,
    },
    /// Step 7: 终稿.
    FinalDraft {
        /// Rooms.
        room_list: Vec<Room>,
        /// 设计说明.
        explain: String,
        /// 尾款金额.
        retainage: String,
        /// 户型实际面积.
        practical_area: f64,
        /// 设计实际风格.
        practical_style: String,
        /// 设计师的收费标准.
        charge: String,
        /// 客户的设计预算.
        design_budget: String,
        /// 是否定额设计.
        is_quota: bool,
    },
    /// Step 10: 尾款支付凭证.
    FinalReception {
        /// Voucher picture.
        photo: Photo,
        /// Amount paid.
        amount: f64,
    },
    /// Step 12: 施工图交付凭证.
    CadReception {
        /// Voucher picture.
        photo: Photo,
    },
}

/// A stored upload: the step, when, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepItem {
    /// The upload step.
    pub step_id: Step,
    /// Uploaded at, Unix seconds.
    pub time: i64,
    /// The data.
    pub data: StepData,
}

/// The `{step}` segment of `POST /v1/design/task/{id}/process/{designer_id}/{step}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepName {
    /// Step 2.
    FirstDraft,
    /// Step 3.
    FirstDraftAudit,
    /// Step 4.
    FirstDraftChoice,
    /// Step 5.
    DepositVoucher,
    /// Step 6.
    DepositAudit,
    /// Step 7.
    FinalDraft,
    /// Step 8.
    FinalDraftAudit,
    /// Step 9.
    FinalDraftChoice,
    /// Step 10.
    RetainageVoucher,
    /// Step 11.
    RetainageAudit,
    /// Step 12.
    CadVoucher,
    /// Step 13.
    CadAudit,
    /// Sets `vr_url`.
    VrUrl,
}

impl StepName {
    /// The route segment's name; an unknown name is no route (10008).
    pub fn parse(segment: &str) -> Result<StepName, ApiError> {
        serde_json::from_value(serde_json::Value::String(segment.to_owned()))
            .map_err(|_| ApiError::NotFound)
    }

    /// The step it performs (`None` for `vr-url`).
    pub fn step(self) -> Option<Step> {
        let id = match self {
            StepName::VrUrl => return None,
            named => named as u8 + 2,
        };
        Step::try_from(id).ok()
    }
}

/// `{photo, explain, deposit}` of step 2.
#[derive(Debug, Clone, Deserialize)]
pub struct FirstDraftBody {
    /// File id.
    pub photo: PositiveInt,
    /// Up to 2000 characters.
    pub explain: BoundedText<0, 2000>,
    /// Money string.
    pub deposit: Money,
}

/// `{photo, amount}` of steps 5 and 10.
#[derive(Debug, Clone, Deserialize)]
pub struct VoucherBody {
    /// File id.
    pub photo: PositiveInt,
    /// Amount paid, > 0.
    pub amount: PositiveNumber,
}

/// `{photo}` of step 12.
#[derive(Debug, Clone, Deserialize)]
pub struct CadBody {
    /// File id.
    pub photo: PositiveInt,
}

/// A part of a room in a final-draft body.
#[derive(Debug, Clone, Deserialize)]
pub struct PartBody {
    /// 1–30 characters.
    pub name: BoundedText<1, 30>,
    /// File id.
    pub photo: PositiveInt,
}

/// A room in a final-draft body.
#[derive(Debug, Clone, Deserialize)]
pub struct RoomBody {
    /// 1–30 characters.
    pub name: BoundedText<1, 30>,
    /// Up to 2000 characters.
    #[serde(default = "empty_text")]
    pub explain: BoundedText<0, 2000>,
    /// At most 20 parts.
    #[serde(default)]
    pub part: BoundedVec<PartBody, 0, 20>,
}

fn empty_text<const MAX: usize>() -> BoundedText<0, MAX> {
    BoundedText::try_from(String::new()).unwrap_or_else(|_| unreachable!("0 characters fit"))
}

/// The body of step 7.
#[derive(Debug, Clone, Deserialize)]
pub struct FinalDraftBody {
    /// 1–20 rooms.
    pub room_list: BoundedVec<RoomBody, 1, 20>,
    /// Up to 2000 characters.
    pub explain: BoundedText<0, 2000>,
    /// Money string.
    pub retainage: Money,
    /// m², > 0.
    pub practical_area: PositiveNumber,
    /// Up to 30 characters.
    pub practical_style: BoundedText<0, 30>,
    /// Up to 100 characters.
    pub charge: BoundedText<0, 100>,
    /// Money string.
    pub design_budget: Money,
    /// Whether the design is at a fixed price.
    pub is_quota: bool,
}

/// `{choose: 1|2}` of steps 4 and 9.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ChoiceBody {
    /// 1 choose, 2 eliminate.
    pub choose: ChooseCode,
}

/// 1 (choose) or 2 (eliminate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct ChooseCode(Choice);

impl TryFrom<i64> for ChooseCode {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            1 => Ok(ChooseCode(Choice::Choose)),
            2 => Ok(ChooseCode(Choice::Eliminate)),
            _ => Err("must be 1 (choose) or 2 (eliminate)".to_owned()),
        }
    }
}

/// `{vr_url}`: an https URL of at most 500 characters.
#[derive(Debug, Clone, Deserialize)]
pub struct VrUrlBody {
    /// The link.
    pub vr_url: HttpsUrl,
}

/// A step route's parsed body.
#[derive(Debug, Clone)]
pub enum StepInput {
    /// Step 2.
    FirstDraft(FirstDraftBody),
    /// Steps 5 (deposit) and 10 (retainage).
    Voucher(Step, VoucherBody),
    /// Step 7.
    FinalDraft(FinalDraftBody),
    /// Step 12.
    Cad(CadBody),
    /// Steps 3, 6, 8, 11, 13.
    Audit(Step, AuditBody),
    /// Steps 4 and 9.
    Choice(Step, ChoiceBody),
    /// `vr-url`.
    VrUrl(VrUrlBody),
}

impl StepInput {
    /// Parses the body `bytes` of the route for `name` (10000 naming the field).
    pub fn parse(name: StepName, bytes: &[u8]) -> Result<StepInput, ApiError> {
        use crate::http::parse_json as json;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            bytes
        };
        let Some(step) = name.step() else {
            return json(bytes).map(StepInput::VrUrl);
        };
        Ok(match (name, step.kind()) {
            (StepName::FirstDraft, _) => StepInput::FirstDraft(json(bytes)?),
            (StepName::FinalDraft, _) => StepInput::FinalDraft(json(bytes)?),
            (StepName::CadVoucher, _) => StepInput::Cad(json(bytes)?),
            (_, StepKind::Upload) => StepInput::Voucher(step, json(bytes)?),
            (_, StepKind::Choice) => StepInput::Choice(step, json(bytes)?),
            _ => StepInput::Audit(step, json(bytes)?),
        })
    }

    /// The workflow action.
    pub fn action(&self) -> Action {
        match self {
            StepInput::FirstDraft(_) => Action::Upload(Step::FirstDraft),
            StepInput::Voucher(step, _) => Action::Upload(*step),
            StepInput::FinalDraft(_) => Action::Upload(Step::FinalDraft),
            StepInput::Cad(_) => Action::Upload(Step::CadVoucher),
            StepInput::Audit(step, body) => Action::Audit(
                *step,
                if body.approve {
                    Verdict::Approve
                } else {
                    Verdict::Refuse
                },
            ),
            StepInput::Choice(step, body) => Action::Choose(*step, body.choose.0),
            StepInput::VrUrl(_) => Action::SetVrUrl,
        }
    }

    /// The file ids the body attaches, in order.
    pub fn photo_ids(&self) -> Vec<u64> {
        match self {
            StepInput::FirstDraft(body) => vec![body.photo.get()],
            StepInput::Voucher(_, body) => vec![body.photo.get()],
            StepInput::Cad(body) => vec![body.photo.get()],
            StepInput::FinalDraft(body) => body
                .room_list
                .iter()
                .flat_map(|room| room.part.iter().map(|part| part.photo.get()))
                .collect(),
            StepInput::Audit(..) | StepInput::Choice(..) | StepInput::VrUrl(_) => Vec::new(),
        }
    }

    /// The data an upload stores, with each file id replaced by its photo (`photo` finds
    /// one that was checked); `None` for the other actions.
    pub fn into_data(
        self,
        photo: impl Fn(u64) -> Result<Photo, ApiError>,
    ) -> Result<Option<StepData>, ApiError> {
        Ok(Some(match self {
            StepInput::FirstDraft(body) => StepData::FirstDraft {
                photo: photo(body.photo.get())?,
                explain: body.explain.into_inner(),
                deposit: body.deposit.into(),
            },
            StepInput::Voucher(step, body) => {
                let photo = photo(body.photo.get())?;
                let amount = body.amount.get();
                if step == Step::DepositVoucher {
                    StepData::FirstReception { photo, amount }
                } else {
                    StepData::FinalReception { photo, amount }
                }
            }
            StepInput::Cad(body) => StepData::CadReception {
                photo: photo(body.photo.get())?,
            },
            StepInput::FinalDraft(body) => StepData::FinalDraft {
                room_list: body
                    .room_list
                    .into_inner()
                    .into_iter()
                    .map(|room| {
                        Ok(Room {
                            name: room.name.into_inner(),
                            explain: room.explain.into_inner(),
                            part: room
                                .part
                                .into_inner()
                                .into_iter()
                                .map(|part| {
                                    Ok(RoomPart {
                                        name: part.name.into_inner(),
                                        photo: photo(part.photo.get())?,
                                    })
                                })
                                .collect::<Result<_, ApiError>>()?,
                        })
                    })
                    .collect::<Result<_, ApiError>>()?,
                explain: body.explain.into_inner(),
                retainage: body.retainage.into(),
                practical_area: body.practical_area.get(),
                practical_style: body.practical_style.into_inner(),
                charge: body.charge.into_inner(),
                design_budget: body.design_budget.into(),
                is_quota: body.is_quota,
            },
            StepInput::Audit(..) | StepInput::Choice(..) | StepInput::VrUrl(_) => return Ok(None),
        }))
    }
}

/// One process of an audit queue (`GET /v1/admin/design/processes`,
/// `GET /v1/design/company/processes`): what the auditor decides on, from the process's
/// head alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditItem {
    /// 进度id.
    pub id: u64,
    /// The task.
    pub task_id: u64,
    /// The task's title.
    pub title: String,
    /// The designer.
    pub designer_id: u64,
    /// The designer as the task lists them (null on a process grabbed before the queues
    /// and not backfilled).
    pub designer: Option<DesignerBrief>,
    /// The designer's company.
    pub company_id: Option<u64>,
    /// The task's customer (null as `designer`).
    pub customer: Option<UserView>,
    /// The upload step waiting for its audit.
    pub step_id: u8,
    /// 0: waiting for the audit (the only status a queued upload has).
    pub audit_status: u8,
    /// When the upload was sent.
    pub time: i64,
    /// The upload under its seed name (`first_draft`, `first_reception`, `final_draft`,
    /// `final_reception`, `cad_reception`), photos with their variant URLs.
    #[serde(flatten)]
    pub data: Option<StepData>,
}

impl From<Process> for AuditItem {
    fn from(process: Process) -> Self {
        let (time, data) = match process.pending {
            Some(item) => (item.time, Some(item.data)),
            None => (process.time_of(process.step_id).unwrap_or_default(), None),
        };
        AuditItem {
            id: process.id,
            task_id: process.task_id,
            title: process.title,
            designer_id: process.designer_id,
            designer: process.designer,
            company_id: process.company_id,
            customer: process.customer,
            step_id: process.step_id.id(),
            audit_status: 0,
            time,
            data,
        }
    }
}

/// The `getTaskProcess` body: `{process, message: "获取数据成功!", status: 200}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskProcessBody {
    /// The process.
    pub process: ProcessView,
    /// "获取数据成功!".
    pub message: &'static str,
    /// 200.
    pub status: u16,
}

/// `process` of the `getTaskProcess` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessView {
    /// 3D case link ("" until set).
    pub vr_url: String,
    /// Current step.
    pub step_id: u8,
    /// Every configured step, with its time and data once reached.
    pub step_list: Vec<StepView>,
}

/// One entry of `step_list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepView {
    /// Step id.
    pub step_id: u8,
    /// Title from the step configuration.
    pub step_title: String,
    /// Description from the step configuration.
    pub step_discript: String,
    /// When it was done; absent until reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    /// The upload's data under its seed name; absent until reached.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub data: Option<StepDataView>,
}

/// The operation data of an upload step, under the seed's field name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepDataView {
    /// Step 2.
    FirstDraft(DraftView),
    /// Step 5.
    FirstReception(ReceptionView),
    /// Step 7.
    FinalDraft(DraftView),
    /// Step 10.
    FinalReception(ReceptionView),
    /// Step 12.
    CadReception(ReceptionView),
}

/// A first or final draft as shown: the uploaded fields plus the process id, the
/// customer's choice and the company's audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftView {
    /// 进度id.
    pub process_id: u64,
    /// The uploaded fields.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// 0 waiting, 1 chosen, 2 eliminated.
    pub choose_status: u8,
    /// 0 waiting, 1 approved, 2 refused.
    pub audit_status: u8,
    /// Why the audit refused it; only with `audit_status` 2, and only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Uploaded at.
    pub time: i64,
}

/// A voucher as shown: the uploaded fields plus the platform's audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceptionView {
    /// The uploaded fields.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// 0 waiting, 1 approved, 2 refused.
    pub audit_status: u8,
    /// Why the audit refused it; only with `audit_status` 2, and only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Uploaded at.
    pub time: i64,
}

impl ProcessView {
    /// The view of `process` with its uploads `items`, titled by `config`. Steps not
    /// reached carry neither time nor data (the seed's v1 rule).
    pub fn new(process: &Process, items: &[StepItem], config: &[StepConfig]) -> ProcessView {
        let step_list = config
            .iter()
            .map(|entry| {
                let step = Step::try_from(entry.step_id).ok();
                let item = items.iter().find(|item| Some(item.step_id) == step);
                StepView {
                    step_id: entry.step_id,
                    step_title: entry.step_title.clone(),
                    step_discript: entry.step_discript.clone(),
                    time: step.and_then(|step| process.time_of(step)),
                    data: item.map(|item| data_view(process, item)),
                }
            })
            .collect();
        ProcessView {
            vr_url: process.vr_url.clone(),
            step_id: process.step_id.id(),
            step_list,
        }
    }

    /// The whole `getTaskProcess` body.
    pub fn into_body(self) -> TaskProcessBody {
        TaskProcessBody {
            process: self,
            message: "获取数据成功!",
            status: 200,
        }
    }
}

fn fields(data: &StepData) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(data) {
        Ok(serde_json::Value::Object(outer)) => outer
            .into_iter()
            .next()
            .and_then(|(_, inner)| match inner {
                serde_json::Value::Object(inner) => Some(inner),
                _ => None,
            })
            .unwrap_or_default(),
        _ => serde_json::Map::new(),
    }
}

fn data_view(process: &Process, item: &StepItem) -> StepDataView {
    let audit_status = process.audit_status(item.step_id);
    let reason = process.refusal_reason(item.step_id);
    let reception = || ReceptionView {
        fields: fields(&item.data),
        audit_status,
        reason: reason.clone(),
        time: item.time,
    };
    let draft = |choice: Step| DraftView {
        process_id: process.id,
        fields: fields(&item.data),
        choose_status: process.choose_status(choice),
        audit_status,
        reason: reason.clone(),
        time: item.time,
    };
    match item.data {
        StepData::FirstDraft { .. } => StepDataView::FirstDraft(draft(Step::FirstDraftChoice)),
        StepData::FinalDraft { .. } => StepDataView::FinalDraft(draft(Step::FinalDraftChoice)),
        StepData::FirstReception { .. } => StepDataView::FirstReception(reception()),
        StepData::FinalReception { .. } => StepDataView::FinalReception(reception()),
        StepData::CadReception { .. } => StepDataView::CadReception(reception()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_map_to_steps() {
        assert_eq!(
            StepName::parse("first-draft").unwrap().step(),
            Some(Step::FirstDraft)
        );
        assert_eq!(
            StepName::parse("cad-audit").unwrap().step(),
            Some(Step::CadAudit)
        );
        assert_eq!(StepName::parse("vr-url").unwrap().step(), None);
        assert_eq!(StepName::parse("nope"), Err(ApiError::NotFound));
    }

    #[test]
    fn bodies_parse_into_actions() {
        let audit = StepInput::parse(StepName::DepositAudit, br#"{"approve":false}"#).unwrap();
        assert_eq!(
            audit.action(),
            Action::Audit(Step::DepositAudit, Verdict::Refuse)
        );
        let choice = StepInput::parse(StepName::FinalDraftChoice, br#"{"choose":1}"#).unwrap();
        assert_eq!(
            choice.action(),
            Action::Choose(Step::FinalDraftChoice, Choice::Choose)
        );
        let voucher =
            StepInput::parse(StepName::RetainageVoucher, br#"{"photo":3,"amount":9.5}"#).unwrap();
        assert_eq!(voucher.action(), Action::Upload(Step::RetainageVoucher));
        assert_eq!(voucher.photo_ids(), vec![3]);
        assert!(StepInput::parse(StepName::FirstDraftChoice, br#"{"choose":3}"#).is_err());
        assert!(StepInput::parse(StepName::VrUrl, br#"{"vr_url":"http://x"}"#).is_err());
        assert!(StepInput::parse(StepName::VrUrl, br#"{"vr_url":"https://vr.example/a"}"#).is_ok());
    }
}
