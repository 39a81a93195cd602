//! The directory of the mobilization system: offices (单位, levels S/D/C), organisations
//! (组织) and members (民兵), the import that replaces records by id, and the commanders'
//! scope (who may see and task whom).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::error::TaskError;
use super::limits::MAX_UNIT_PLACES;
use crate::credential::PairDigest;
use crate::text::{BoundedText, BoundedVec, ICode, PositiveInt};

/// Most members one import may carry.
pub const MAX_IMPORT_MEMBERS: usize = 10_000;

/// Most offices, and most organisations, one import may hold.
pub const MAX_IMPORT_UNITS: usize = 10_000;

/// Most common gathering places one office row may hold: as many as a unit may hold.
pub const MAX_OFFICE_PLACES: usize = MAX_UNIT_PLACES;

/// Ids of imported places stay below this; places created with `place_id: -1` get ids from
/// here up, so the two never collide.
pub const CREATED_PLACE_BASE: u64 = 1_000_000_000;

/// An office's level: S street (街道), D district (区), C city (市).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    /// Street.
    S,
    /// District.
    D,
    /// City.
    C,
}

/// A unit a member belongs to and a task is launched from: an office or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// An office (单位).
    Office(u64),
    /// An organisation (组织).
    Org(u64),
}

impl Unit {
    /// The unit as a key fragment: `O{id}` or `G{id}`.
    pub fn key(self) -> String {
        match self {
            Unit::Office(id) => format!("O{id}"),
            Unit::Org(id) => format!("G{id}"),
        }
    }
}

/// A stored office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    /// Office id.
    pub office_id: u64,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// The office above, if any.
    pub parent_id: Option<u64>,
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Org {
    /// Organisation id.
    pub org_id: u64,
    /// Name.
    pub name: String,
    /// The office it belongs to.
    pub office_id: u64,
    /// The organisation above, if any.
    pub parent_id: Option<u64>,
}

/// A common gathering place (常用集合地点) of a unit. A place without coordinates keeps
/// 0 and 0 (the seed shows an empty number as 0), never one of them alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Place id.
    pub place_id: u64,
    /// Name.
    pub place_name: String,
    /// Latitude.
    pub place_lat: f64,
    /// Longitude.
    pub place_lng: f64,
}

impl Place {
    /// The place as (latitude, longitude), unless it has no coordinates (0, 0).
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        (self.place_lat != 0.0 || self.place_lng != 0.0).then_some((self.place_lat, self.place_lng))
    }
}

/// The coordinates of a place as sent (`place_lat`, `place_lng`): both or neither, else a 400
/// naming `at`.
pub fn place_coordinates(
    at: &str,
    lat: Option<Latitude>,
    lng: Option<Longitude>,
) -> Result<(f64, f64), TaskError> {
    match (lat, lng) {
        (Some(lat), Some(lng)) => Ok((lat.get(), lng.get())),
        (None, None) => Ok((0.0, 0.0)),
        _ => Err(TaskError::invalid(
            at,
            "place_lat and place_lng go together",
        )),
    }
}

/// A stored member (民兵).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Soldier id.
    pub soldier_id: u64,
    /// Name.
    pub name: String,
    /// Phone, a number as the seed shows it.
    pub phone: u64,
    /// Instant-messaging id.
    pub im_user_id: u64,
    /// The unit the member belongs to.
    pub unit: Unit,
    /// Whether the member commands that unit.
    #[serde(default)]
    pub is_admin: bool,
    /// The digest of the member's credential pair, so that an import that replaces or
    /// drops it can remove the old one (members imported before digests were kept have
    /// none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<PairDigest>,
    /// A deactivated member keeps their history but has no pair and cannot act.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deactivated: bool,
}

/// The pairs an import retires: those the members had before that they no longer have,
/// unless the import gives the pair to another member.
pub fn retired_pairs(before: &[Member], after: &[Member]) -> Vec<PairDigest> {
    let kept: HashSet<&PairDigest> = after.iter().filter_map(|m| m.pair.as_ref()).collect();
    let imported: HashSet<u64> = after.iter().map(|m| m.soldier_id).collect();
    let mut retired: Vec<PairDigest> = before
        .iter()
        .filter(|old| imported.contains(&old.soldier_id))
        .filter_map(|old| old.pair.clone())
        .filter(|pair| !kept.contains(pair))
        .collect();
    retired.sort();
    retired.dedup();
    retired
}

/// The offices and organisations: small enough to live in one item and be read in one
/// call, so scope questions are answered in memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Offices by id.
    #[serde(default)]
    pub offices: BTreeMap<u64, Office>,
    /// Organisations by id.
    #[serde(default)]
    pub orgs: BTreeMap<u64, Org>,
    /// Bumped by every import; the write is conditioned on it so two imports cannot
    /// overwrite each other's units.
    #[serde(default)]
    pub version: u64,
}

impl Directory {
    /// Whether `unit` exists.
    pub fn has(&self, unit: Unit) -> bool {
        match unit {
            Unit::Office(id) => self.offices.contains_key(&id),
            Unit::Org(id) => self.orgs.contains_key(&id),
        }
    }

    /// The unit's name (empty when unknown).
    pub fn name(&self, unit: Unit) -> String {
        match unit {
            Unit::Office(id) => self.offices.get(&id).map(|o| o.name.clone()),
            Unit::Org(id) => self.orgs.get(&id).map(|o| o.name.clone()),
        }
        .unwrap_or_default()
    }

    /// The level of the unit's office (an organisation's is that of its office).
    pub fn level(&self, unit: Unit) -> Option<Level> {
        let office = match unit {
            Unit::Office(id) => id,
            Unit::Org(id) => self.orgs.get(&id)?.office_id,
        };
        self.offices.get(&office).map(|office| office.level)
    }

    /// The office a unit belongs to (itself for an office).
    pub fn office_of(&self, unit: Unit) -> Option<u64> {
        match unit {
            Unit::Office(id) => Some(id),
            Unit::Org(id) => self.orgs.get(&id).map(|org| org.office_id),
        }
    }

    /// The unit and every unit that commands it: for an office its chain of parent
    /// offices; for an organisation its chain of parent organisations and, for each of
    /// them, its office's chain. Cycles (refused at import) cannot loop.
    pub fn ancestors(&self, unit: Unit) -> Vec<Unit> {
        let mut seen = Vec::new();
        let push_offices = |mut office: Option<u64>, seen: &mut Vec<Unit>| {
            while let Some(id) = office {
                if seen.contains(&Unit::Office(id)) {
                    break;
                }
                seen.push(Unit::Office(id));
                office = self.offices.get(&id).and_then(|o| o.parent_id);
            }
        };
        match unit {
            Unit::Office(id) => push_offices(Some(id), &mut seen),
            Unit::Org(id) => {
                let mut org = Some(id);
                let mut offices = Vec::new();
                while let Some(id) = org {
                    if seen.contains(&Unit::Org(id)) {
                        break;
                    }
                    seen.push(Unit::Org(id));
                    let record = self.orgs.get(&id);
                    offices.extend(record.map(|o| o.office_id));
                    org = record.and_then(|o| o.parent_id);
                }
                for office in offices {
                    push_offices(Some(office), &mut seen);
                }
            }
        }
        seen
    }

    /// Whether a commander of `root` commands `unit`.
    pub fn commands(&self, root: Unit, unit: Unit) -> bool {
        self.ancestors(unit).contains(&root)
    }

    /// Every unit a commander of `root` commands, `root` included, in id order.
    pub fn scope(&self, root: Unit) -> Vec<Unit> {
        let offices = self.offices.keys().map(|id| Unit::Office(*id));
        let orgs = self.orgs.keys().map(|id| Unit::Org(*id));
        offices
            .chain(orgs)
            .filter(|unit| self.commands(root, *unit))
            .collect()
    }

    /// Offices whose parent is `id`.
    pub fn lower_offices(&self, id: u64) -> Vec<&Office> {
        self.offices
            .values()
            .filter(|office| office.parent_id == Some(id))
            .collect()
    }

    /// Organisations whose parent organisation is `id`.
    pub fn lower_orgs(&self, id: u64) -> Vec<u64> {
        self.orgs
            .values()
            .filter(|org| org.parent_id == Some(id))
            .map(|org| org.org_id)
            .collect()
    }
}

/// `PUT /task/directory` body.
#[derive(Debug, Clone, Deserialize)]
pub struct DirectoryImport {
    /// Offices to create or replace.
    #[serde(default)]
    pub offices: BoundedVec<OfficeRow, 0, MAX_IMPORT_UNITS>,
    /// Organisations to create or replace.
    #[serde(default)]
    pub orgs: BoundedVec<OrgRow, 0, MAX_IMPORT_UNITS>,
    /// Members to create or replace.
    #[serde(default)]
    pub members: Vec<MemberRow>,
}

/// An office of an import.
#[derive(Debug, Clone, Deserialize)]
pub struct OfficeRow {
    /// Id.
    pub office_id: PositiveInt,
    /// Name, 1–64 characters.
    pub name: BoundedText<1, 64>,
    /// Level S, D or C.
    pub level: Level,
    /// Parent office.
    #[serde(default)]
    pub parent_id: Option<PositiveInt>,
    /// Common gathering places; when present they replace the office's places by id.
    #[serde(default)]
    pub places: BoundedVec<PlaceRow, 0, MAX_OFFICE_PLACES>,
}

/// A common place of an import.
#[derive(Debug, Clone, Deserialize)]
pub struct PlaceRow {
    /// Id, below [`CREATED_PLACE_BASE`].
    pub place_id: PositiveInt,
    /// Name, 1–64 characters.
    pub place_name: BoundedText<1, 64>,
    /// Latitude (with `place_lng`, or neither).
    #[serde(default)]
    pub place_lat: Option<Latitude>,
    /// Longitude (with `place_lat`, or neither).
    #[serde(default)]
    pub place_lng: Option<Longitude>,
}

/// A coordinate in degrees within ±`LIMIT`, rounded to 7 decimals (about a centimetre):
/// anything else is refused, and what is kept always fits DynamoDB's number range (which
/// refuses magnitudes below 1e-130 or above 1e125).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(try_from = "f64")]
pub struct Degrees<const LIMIT: u8>(f64);

/// A latitude, -90 to 90.
pub type Latitude = Degrees<90>;

/// A longitude, -180 to 180.
pub type Longitude = Degrees<180>;

impl<const LIMIT: u8> Degrees<LIMIT> {
    /// The degrees.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<const LIMIT: u8> TryFrom<f64> for Degrees<LIMIT> {
    type Error = String;

    fn try_from(value: f64) -> Result<Self, String> {
        if value.is_finite() && value.abs() <= f64::from(LIMIT) {
            // `+ 0.0` turns a rounded -0 into 0.
            Ok(Degrees((value * 1e7).round() / 1e7 + 0.0))
        } else {
            Err(format!("must be a number from -{LIMIT} to {LIMIT}"))
        }
    }
}

/// An organisation of an import.
#[derive(Debug, Clone, Deserialize)]
pub struct OrgRow {
    /// Id.
    pub org_id: PositiveInt,
    /// Name, 1–64 characters.
    pub name: BoundedText<1, 64>,
    /// Its office.
    pub office_id: PositiveInt,
    /// Parent organisation.
    #[serde(default)]
    pub parent_id: Option<PositiveInt>,
}

/// A member of an import.
#[derive(Debug, Clone, Deserialize)]
pub struct MemberRow {
    /// Soldier id.
    pub soldier_id: PositiveInt,
    /// Name, 1–32 characters.
    pub name: BoundedText<1, 32>,
    /// Phone number.
    #[serde(default)]
    pub phone: u64,
    /// IM id.
    #[serde(default)]
    pub im_user_id: u64,
    /// Office, when the member belongs to an office.
    #[serde(default)]
    pub office_id: Option<PositiveInt>,
    /// Organisation, when the member belongs to one.
    #[serde(default)]
    pub org_id: Option<PositiveInt>,
    /// Whether the member commands their unit.
    #[serde(default)]
    pub is_admin: bool,
    /// Credential code to log in with (with `order_no`).
    #[serde(default)]
    pub i_code: Option<ICode>,
    /// Credential number to log in with (with `i_code`).
    #[serde(default)]
    pub order_no: Option<PositiveInt>,
    /// `true` deactivates the member: their pair is removed and they can no longer act.
    #[serde(default)]
    pub deactivated: bool,
}

/// A member's credential pair from an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCredential {
    /// The member.
    pub soldier_id: u64,
    /// Name, used as the user's nickname.
    pub name: String,
    /// Code.
    pub i_code: String,
    /// Number.
    pub order_no: u64,
}

/// What a valid import writes: the merged directory, places by unit, members and their
/// credential pairs.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The directory after the import.
    pub directory: Directory,
    /// Places by office.
    pub places: Vec<(Unit, Place)>,
    /// The row index of each office that carries places.
    pub place_rows: BTreeMap<Unit, usize>,
    /// Members to write.
    pub members: Vec<Member>,
    /// Credential pairs to register.
    pub credentials: Vec<MemberCredential>,
}

fn bad(row: String, problem: impl std::fmt::Display) -> TaskError {
    TaskError::Invalid(format!("{row}: {problem}"))
}

impl DirectoryImport {
    /// Checks the whole import against `stored` and answers what to write, or a 400
    /// naming the first bad row; nothing is written before this succeeds.
    pub fn plan(self, stored: &Directory) -> Result<ImportPlan, TaskError> {
        if self.members.len() > MAX_IMPORT_MEMBERS {
            return Err(TaskError::invalid(
                "members",
                format!("at most {MAX_IMPORT_MEMBERS} per import"),
            ));
        }
        let mut directory = stored.clone();
        let mut places = Vec::new();
        let mut place_rows = BTreeMap::new();
        let mut seen = HashSet::new();
        let mut place_ids = HashSet::new();
        for (i, row) in self.offices.iter().enumerate() {
            let id = row.office_id.get();
            if !seen.insert(id) {
                return Err(bad(
                    format!("offices[{i}]"),
                    format!("duplicate office_id {id}"),
                ));
            }
            directory.offices.insert(
                id,
                Office {
                    office_id: id,
                    name: row.name.as_str().to_owned(),
                    level: row.level,
                    parent_id: row.parent_id.map(PositiveInt::get),
                },
            );
            if !row.places.is_empty() {
                place_rows.insert(Unit::Office(id), i);
            }
            for (j, place) in row.places.iter().enumerate() {
                let place_id = place.place_id.get();
                let at = format!("offices[{i}].places[{j}]");
                if place_id >= CREATED_PLACE_BASE {
                    return Err(bad(
                        at,
                        format!("place_id must be below {CREATED_PLACE_BASE}"),
                    ));
                }
                if !place_ids.insert(place_id) {
                    return Err(bad(at, format!("duplicate place_id {place_id}")));
                }
                let (place_lat, place_lng) =
                    place_coordinates(&at, place.place_lat, place.place_lng)?;
                places.push((
                    Unit::Office(id),
                    Place {
                        place_id,
                        place_name: place.place_name.as_str().to_owned(),
                        place_lat,
                        place_lng,
                    },
                ));
            }
        }
        let mut seen = HashSet::new();
        for (i, row) in self.orgs.iter().enumerate() {
            let id = row.org_id.get();
            if !seen.insert(id) {
                return Err(bad(format!("orgs[{i}]"), format!("duplicate org_id {id}")));
            }
            directory.orgs.insert(
                id,
                Org {
                    org_id: id,
                    name: row.name.as_str().to_owned(),
                    office_id: row.office_id.get(),
                    parent_id: row.parent_id.map(PositiveInt::get),
                },
            );
        }
        for (i, row) in self.offices.iter().enumerate() {
            check_office_chain(&directory, row.office_id.get(), format!("offices[{i}]"))?;
        }
        for (i, row) in self.orgs.iter().enumerate() {
            let at = format!("orgs[{i}]");
            let office = row.office_id.get();
            if !directory.offices.contains_key(&office) {
                return Err(bad(at, format!("office_id {office} does not exist")));
            }
            check_org_chain(&directory, row.org_id.get(), at)?;
        }
        let mut seen = HashSet::new();
        let mut pairs = HashSet::new();
        let mut members = Vec::with_capacity(self.members.len());
        let mut credentials = Vec::new();
        for (i, row) in self.members.into_iter().enumerate() {
            let at = format!("members[{i}]");
            let id = row.soldier_id.get();
            if !seen.insert(id) {
                return Err(bad(at, format!("duplicate soldier_id {id}")));
            }
            let unit = match (row.office_id, row.org_id) {
                (Some(office), None) => Unit::Office(office.get()),
                (None, Some(org)) => Unit::Org(org.get()),
                _ => return Err(bad(at, "exactly one of office_id and org_id is required")),
            };
            if !directory.has(unit) {
                return Err(bad(at, format!("{} does not exist", describe(unit))));
            }
            match (row.i_code, row.order_no) {
                (Some(_), Some(_)) if row.deactivated => {
                    return Err(bad(at, "a deactivated member has no i_code/order_no"));
                }
                (Some(i_code), Some(order_no)) => {
                    let pair = (i_code.as_str().to_owned(), order_no.get());
                    if !pairs.insert(pair.clone()) {
                        return Err(bad(at, "duplicate i_code/order_no pair"));
                    }
                    credentials.push(MemberCredential {
                        soldier_id: id,
                        name: row.name.as_str().to_owned(),
                        i_code: pair.0,
                        order_no: pair.1,
                    });
                }
                (None, None) => {}
                _ => return Err(bad(at, "i_code and order_no go together")),
            }
            members.push(Member {
                soldier_id: id,
                name: row.name.into_inner(),
                phone: row.phone,
                im_user_id: row.im_user_id,
                unit,
                is_admin: row.is_admin,
                pair: None,
                deactivated: row.deactivated,
            });
        }
        directory.version = stored.version + 1;
        Ok(ImportPlan {
            directory,
            places,
            place_rows,
            members,
            credentials,
        })
    }
}

impl ImportPlan {
    /// The places this import writes, by office, with how many of them the office does
    /// not hold yet (`stored`: the place ids each of these offices holds). 400 naming the
    /// office row when the office would hold more than [`MAX_UNIT_PLACES`].
    pub fn places_by_office(
        &self,
        stored: &BTreeMap<Unit, Vec<u64>>,
    ) -> Result<Vec<(Unit, Vec<Place>, u64)>, TaskError> {
        let mut by_office: BTreeMap<Unit, Vec<Place>> = BTreeMap::new();
        for (unit, place) in &self.places {
            by_office.entry(*unit).or_default().push(place.clone());
        }
        let mut written = Vec::with_capacity(by_office.len());
        for (unit, places) in by_office {
            let held = stored.get(&unit).map(Vec::as_slice).unwrap_or_default();
            let added = places
                .iter()
                .filter(|place| !held.contains(&place.place_id))
                .count();
            if held.len() + added > MAX_UNIT_PLACES {
                let row = self.place_rows.get(&unit).copied().unwrap_or_default();
                return Err(bad(
                    format!("offices[{row}].places"),
                    format!(
                        "一个单位最多 {MAX_UNIT_PLACES} 个常用集合地点（已有 {}，新增 {added}）",
                        held.len()
                    ),
                ));
            }
            written.push((unit, places, added as u64));
        }
        Ok(written)
    }
}

fn describe(unit: Unit) -> String {
    match unit {
        Unit::Office(id) => format!("office_id {id}"),
        Unit::Org(id) => format!("org_id {id}"),
    }
}

/// Walks the parent chain from `start` through `parents` (a record's parent, or `None`
/// when the record is missing): 400 at `at` on a dangling parent or a cycle.
fn check_chain<K: Ord + Copy + std::fmt::Display>(
    start: K,
    kind: &str,
    at: String,
    parents: impl Fn(K) -> Option<Option<K>>,
) -> Result<(), TaskError> {
    let mut visited = BTreeSet::new();
    let mut current = start;
    loop {
        if !visited.insert(current) {
            return Err(bad(
                at,
                format!("parent_id forms a cycle through {kind} {current}"),
            ));
        }
        match parents(current).flatten() {
            None => return Ok(()),
            Some(parent) if parents(parent).is_none() => {
                return Err(bad(at, format!("parent_id {parent} does not exist")));
            }
            Some(parent) => current = parent,
        }
    }
}

fn check_office_chain(directory: &Directory, start: u64, at: String) -> Result<(), TaskError> {
    check_chain(start, "office", at, |id| {
        directory.offices.get(&id).map(|o| o.parent_id)
    })
}

fn check_org_chain(directory: &Directory, start: u64, at: String) -> Result<(), TaskError> {
    check_chain(start, "org", at, |id| {
        directory.orgs.get(&id).map(|o| o.parent_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_import_retires_the_pairs_it_replaces_drops_or_deactivates() {
        let pepper = crate::credential::Pepper::new(b"p");
        let member = |id: u64, pair: Option<u64>| Member {
            soldier_id: id,
            name: String::new(),
            phone: 0,
            im_user_id: 0,
            unit: Unit::Office(1),
            is_admin: false,
            pair: pair.map(|n| pepper.pair("m", n)),
            deactivated: false,
        };
        let before = [
            member(1, Some(1)), // replaced
            member(2, Some(2)), // dropped
            member(3, Some(3)), // kept
            member(4, Some(4)), // moved to member 5
            member(6, Some(6)), // not in the import: untouched
            member(7, None),
        ];
        let after = [
            member(1, Some(11)),
            member(2, None),
            member(3, Some(3)),
            member(4, None),
            member(5, Some(4)),
            member(7, Some(7)),
        ];
        let mut expected = vec![pepper.pair("m", 1), pepper.pair("m", 2)];
        expected.sort();
        assert_eq!(retired_pairs(&before, &after), expected);
    }

    #[test]
    fn degrees_are_bounded_and_rounded() {
        assert_eq!(
            Latitude::try_from(23.129_123_456_7).unwrap().get(),
            23.129_123_5
        );
        assert_eq!(Latitude::try_from(5e-324).unwrap().get(), 0.0);
        assert!(Latitude::try_from(-90.0).is_ok());
        assert!(Latitude::try_from(90.5).is_err());
        assert!(Longitude::try_from(180.0).is_ok());
        assert!(Longitude::try_from(1e300).is_err());
        assert!(Longitude::try_from(f64::NAN).is_err());
    }

    fn import(body: serde_json::Value) -> DirectoryImport {
        serde_json::from_value(body).unwrap()
    }

    fn sample() -> Directory {
        import(json!({
            "offices": [
                {"office_id": 1, "name": "市", "level": "C"},
                {"office_id": 2, "name": "区", "level": "D", "parent_id": 1},
                {"office_id": 3, "name": "另区", "level": "D", "parent_id": 1},
            ],
            "orgs": [
                {"org_id": 10, "name": "一排", "office_id": 2},
                {"org_id": 11, "name": "一班", "office_id": 2, "parent_id": 10},
            ],
        }))
        .plan(&Directory::default())
        .unwrap()
        .directory
    }

    #[test]
    fn scope_follows_the_contract() {
        let directory = sample();
        assert!(directory.commands(Unit::Office(1), Unit::Org(11)));
        assert!(directory.commands(Unit::Office(2), Unit::Org(10)));
        assert!(!directory.commands(Unit::Office(3), Unit::Org(10)));
        assert!(directory.commands(Unit::Org(10), Unit::Org(11)));
        assert!(!directory.commands(Unit::Org(11), Unit::Org(10)));
        assert!(!directory.commands(Unit::Org(10), Unit::Office(2)));
        assert_eq!(
            directory.scope(Unit::Office(2)),
            vec![Unit::Office(2), Unit::Org(10), Unit::Org(11)]
        );
    }

    #[test]
    fn places_stay_within_the_units_limit() {
        let rows = |ids: std::ops::Range<u64>| {
            ids.map(|id| json!({"place_id": id, "place_name": "p", "place_lat": 23.1, "place_lng": 113.2}))
                .collect::<Vec<_>>()
        };
        let plan = import(json!({"offices": [
            {"office_id": 1, "name": "市", "level": "C"},
            {"office_id": 2, "name": "区", "level": "D", "parent_id": 1, "places": rows(1..31)},
        ]}))
        .plan(&Directory::default())
        .unwrap();
        let stored = |ids: std::ops::Range<u64>| BTreeMap::from([(Unit::Office(2), ids.collect())]);
        let written = plan.places_by_office(&stored(21..41)).unwrap();
        assert_eq!(written.len(), 1);
        assert_eq!(
            (written[0].0, written[0].1.len(), written[0].2),
            (Unit::Office(2), 30, 20)
        );
        let refused = plan.places_by_office(&stored(100..121)).unwrap_err();
        assert!(
            refused.to_string().starts_with("offices[1].places: "),
            "{refused}"
        );
        let too_many = serde_json::from_value::<DirectoryImport>(json!({"offices": [
            {"office_id": 2, "name": "区", "level": "D", "places": rows(1..52)},
        ]}));
        assert!(too_many.is_err());
        let half = import(json!({"offices": [
            {"office_id": 1, "name": "市", "level": "C", "places": [{"place_id": 1, "place_name": "p", "place_lat": 23.1}]},
        ]}));
        let error = half.plan(&Directory::default()).unwrap_err();
        assert!(
            error.to_string().starts_with("offices[0].places[0]: "),
            "{error}"
        );
    }

    #[test]
    fn cycles_and_dangling_references_name_the_row() {
        let stored = sample();
        let cycle = import(
            json!({"offices": [{"office_id": 1, "name": "市", "level": "C", "parent_id": 2}]}),
        );
        let error = cycle.plan(&stored).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("offices[0]: parent_id forms a cycle"),
            "{error}"
        );
        let dangling = import(json!({"orgs": [{"org_id": 12, "name": "x", "office_id": 9}]}));
        assert!(dangling
            .plan(&stored)
            .unwrap_err()
            .to_string()
            .starts_with("orgs[0]"));
        let both = import(
            json!({"members": [{"soldier_id": 1, "name": "a", "office_id": 1, "org_id": 10}]}),
        );
        assert!(both
            .plan(&stored)
            .unwrap_err()
            .to_string()
            .starts_with("members[0]"));
    }
}
