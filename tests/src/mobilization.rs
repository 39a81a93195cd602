//! The mobilization demo directory, generated: a city office, two districts, four
//! streets, ten organisations and 202 members, with a commander at every level. Every
//! member logs in with the pair `i_code = "mob-{soldier_id}"`, `order_no = soldier_id`.

use serde_json::{json, Value};

/// Office ids: the city, its districts, and each district's streets.
pub const CITY: u64 = 1;
/// 海珠区 (district).
pub const HAIZHU: u64 = 2;
/// 天河区 (district).
pub const TIANHE: u64 = 3;
/// Streets by district.
pub const STREETS: [(u64, u64); 4] = [(21, HAIZHU), (22, HAIZHU), (31, TIANHE), (32, TIANHE)];

/// The organisations: a district-level one per district, and per street a platoon
/// (`street*10+1`) with a squad below it (`street*10+2`).
pub fn orgs() -> Vec<(u64, u64, Option<u64>)> {
    let mut orgs = vec![(201, HAIZHU, None), (301, TIANHE, None)];
    for (street, _) in STREETS {
        orgs.push((street * 10 + 1, street, None));
        orgs.push((street * 10 + 2, street, Some(street * 10 + 1)));
    }
    orgs
}

/// The commander of an office (soldier id = office id).
pub fn office_commander(office: u64) -> u64 {
    office
}

/// The commander of an organisation.
pub fn org_commander(org: u64) -> u64 {
    1000 + org
}

/// The `k`-th (1–5) plain member of an office.
pub fn office_member(office: u64, k: u64) -> u64 {
    3000 + office * 10 + k
}

/// The `k`-th (1–15) plain member of an organisation.
pub fn org_member(org: u64, k: u64) -> u64 {
    100_000 + org * 100 + k
}

/// The credential pair of a member.
pub fn pair(soldier_id: u64) -> (String, u64) {
    (format!("mob-{soldier_id}"), soldier_id)
}

fn member(soldier_id: u64, name: String, unit: (&str, u64), is_admin: bool) -> Value {
    let (i_code, order_no) = pair(soldier_id);
    let mut row = json!({
        "soldier_id": soldier_id,
        "name": name,
        "phone": 13_800_000_000u64 + soldier_id,
        "im_user_id": 700_000 + soldier_id,
        "is_admin": is_admin,
        "i_code": i_code,
        "order_no": order_no,
    });
    row[unit.0] = json!(unit.1);
    row
}

/// The `PUT /task/directory` body of the demo directory.
pub fn directory() -> Value {
    let mut offices = vec![
        json!({"office_id": CITY, "name": "广州市人武部", "level": "C", "parent_id": null,
               "places": [{"place_id": 1, "place_name": "市人武部广场", "place_lat": 23.129, "place_lng": 113.264}]}),
        json!({"office_id": HAIZHU, "name": "海珠区人武部", "level": "D", "parent_id": CITY,
               "places": [{"place_id": 2, "place_name": "海珠广场", "place_lat": 23.116, "place_lng": 113.268}]}),
        json!({"office_id": TIANHE, "name": "天河区人武部", "level": "D", "parent_id": CITY,
               "places": [{"place_id": 3, "place_name": "天河体育中心", "place_lat": 23.139, "place_lng": 113.325}]}),
    ];
    for (street, district) in STREETS {
        offices.push(json!({"office_id": street, "name": format!("第{street}街道武装部"), "level": "S", "parent_id": district}));
    }
    let orgs: Vec<Value> = orgs()
        .into_iter()
        .map(|(id, office, parent)| {
            json!({"org_id": id, "name": format!("{id}民兵连"), "office_id": office, "parent_id": parent})
        })
        .collect();
    let mut members = Vec::new();
    let office_ids = [CITY, HAIZHU, TIANHE]
        .into_iter()
        .chain(STREETS.iter().map(|(street, _)| *street));
    for office in office_ids {
        members.push(member(
            office_commander(office),
            format!("指挥官{office}"),
            ("office_id", office),
            true,
        ));
        for k in 1..=5 {
            let id = office_member(office, k);
            members.push(member(
                id,
                format!("民兵{id}"),
                ("office_id", office),
                false,
            ));
        }
    }
    for (org, _, _) in self::orgs() {
        members.push(member(
            org_commander(org),
            format!("排长{org}"),
            ("org_id", org),
            true,
        ));
        for k in 1..=15 {
            let id = org_member(org, k);
            members.push(member(id, format!("民兵{id}"), ("org_id", org), false));
        }
    }
    json!({ "offices": offices, "orgs": orgs, "members": members })
}

/// A frozen "now" for task tests (2030-03-17), so gathering and end times are fixed.
pub const T0: i64 = 1_900_000_000;

/// Imports the demo directory through `PUT /task/directory` as the bootstrap admin.
pub async fn seed(app: &crate::app::TestApp) {
    let admin = app.admin_token().await;
    let response = app
        .put("/task/directory", directory())
        .token(&admin)
        .send()
        .await;
    assert_eq!(response.status, 200, "import failed: {}", response.body);
}

/// Logs member `soldier_id` in through `POST /user`; answers the `token` cookie's value.
pub async fn login(app: &crate::app::TestApp, soldier_id: u64) -> String {
    let (i_code, order_no) = pair(soldier_id);
    let response = app
        .post("/user", json!({"i_code": i_code, "order_no": order_no}))
        .send()
        .await;
    assert_eq!(response.status, 200, "login failed: {}", response.body);
    response
        .headers
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .and_then(|pair| pair.strip_prefix("token="))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no token cookie in {:?}", response.headers))
}

/// The `Cookie` header value carrying `token`.
pub fn cookie(token: &str) -> String {
    format!("token={token}")
}

/// A `POST /task` body gathering at `gather` and ending at `finish` (Unix seconds).
pub fn task_body(
    mem_count: u64,
    gather: i64,
    finish: i64,
    offices: &[u64],
    orgs: &[u64],
    soldiers: &[u64],
) -> Value {
    json!({
        "title": "消防演习",
        "mem_count": mem_count,
        "gather_datetime": shared::time::format_datetime(gather),
        "finish_datetime": shared::time::format_datetime(finish),
        "detail": "带好装备",
        "place_id": 2,
        "accept_office_ids": offices,
        "accept_org_ids": orgs,
        "accept_soldr_ids": soldiers,
    })
}
