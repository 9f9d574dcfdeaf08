//! On the demo node, every number of 我的信息, the plazas and the to-do equals what an
//! independent count over the database gives. The rules are re-stated here from SPEC §5–§7 over
//! the stored JSON (state names as strings), not taken from `domain`.

use std::collections::BTreeMap;

use gongwucang::store::{self, Store};
use serde_json::Value;

use crate::helpers::*;

struct Viewer {
    username: &'static str,
    role: &'static str,
    unit_id: Option<String>,
    region: String,
    department: Option<String>,
}

fn contains(region: &str, other: &str) -> bool {
    let prefix = region.trim_end_matches("00");
    let prefix = if region.ends_with("0000") { &region[..2] } else { prefix };
    other.starts_with(prefix)
}

/// SPEC §7: own unit; authorities their region; else by scope.
fn visible(v: &Viewer, unit_id: &str, region: &str, department: &str, scope: &str) -> bool {
    if v.unit_id.as_deref() == Some(unit_id) || (v.role == "authority" && contains(&v.region, region)) {
        return true;
    }
    match scope {
        "department" => v.department.as_deref() == Some(department) && region[..4] == v.region[..4],
        "county" => region == v.region,
        "city" => region[..4] == v.region[..4],
        "province" => region[..2] == v.region[..2],
        _ => true,
    }
}

fn mine(v: &Viewer, unit_id: &str, region: &str) -> bool {
    match v.role {
        "clerk" | "reviewer" => v.unit_id.as_deref() == Some(unit_id),
        _ => contains(&v.region, region),
    }
}

fn s<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

#[tokio::test]
async fn every_number_of_my_information_the_plazas_and_the_to_do_agrees_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        gongwucang::demo::create(dir.path(), &store).unwrap();
    }
    let app = start(dir).await;
    let usernames = ["210100004002jb", "210100004002", "210105002002jb", "210102002002jb", "210100czj"];
    let mut answers = BTreeMap::new();
    for username in usernames {
        let session = app.login_first_time(username).await;
        let mine = session.get("/api/v1/mine").await.1;
        let plaza = session.get("/api/v1/plaza/warehouse?page_size=1").await.1;
        let demand_plaza = session.get("/api/v1/plaza/demand?page_size=1").await.1;
        let todo = session.get("/api/v1/todo").await.1;
        let me = session.me().await.1["user"].clone();
        answers.insert(username, (mine, plaza["total"].clone(), demand_plaza["total"].clone(), todo, me));
    }
    let dir = app.stop().await;
    let store = Store::open(dir.path()).unwrap();
    let listings: Vec<Value> =
        store.read(store::listings::all).unwrap().iter().map(|l| serde_json::to_value(l).unwrap()).collect();
    let demands: Vec<Value> =
        store.read(store::demands::all).unwrap().iter().map(|d| serde_json::to_value(d).unwrap()).collect();
    let units = store.read(store::units::all).unwrap();
    let stale_before = gongwucang::domain::clock::format_rfc3339(
        time::OffsetDateTime::now_utc() - time::Duration::days(180) + time::Duration::hours(1),
    );

    let mut stale_seen = 0;
    for (username, (mine, plaza, demand_plaza, todo, me)) in &answers {
        let unit_id = me["unit_id"].as_str().map(str::to_owned);
        let department = units.iter().find(|u| Some(&u.id) == unit_id.as_ref()).map(|u| u.department.clone());
        let v = Viewer {
            username,
            role: me["role"].as_str().unwrap().to_owned().leak(),
            unit_id,
            region: me["region"].as_str().unwrap().to_owned(),
            department,
        };
        let own: Vec<&Value> = listings.iter().filter(|l| mine_of(&v, l)).collect();
        let count = |states: &[&str]| own.iter().filter(|l| states.contains(&s(l, "state"))).count() as u64;
        let expected_warehouse = [
            ("in_warehouse", count(&["published", "pending_exit"])),
            ("pending", count(&["draft", "pending_entry", "returned"])),
            ("withdrawn", count(&["withdrawn"])),
            ("completed", count(&["completed"])),
        ];
        for (key, n) in expected_warehouse {
            assert_eq!(mine["warehouse"][key].as_u64(), Some(n), "{}: 公物仓›我的信息 {key}: {mine}", v.username);
        }
        for mode in ["transfer", "share"] {
            let platform = |group: &str| {
                own.iter()
                    .filter(|l| l["national"] == true && s(l, "mode") == mode)
                    .filter(|l| {
                        let completed = s(l, "state") == "completed";
                        match group {
                            "completed" => completed,
                            "pending" => {
                                !completed
                                    && ["pending_authority", "pending_province"].contains(&s(l, "national_state"))
                            }
                            "published" => !completed && s(l, "national_state") == "published_national",
                            other => !completed && s(l, "national_state") == other,
                        }
                    })
                    .count() as u64
            };
            for group in ["pending", "published", "cancelled", "completed", "rejected"] {
                assert_eq!(mine[mode][group].as_u64(), Some(platform(group)), "{}: {mode} {group}: {mine}", v.username);
            }
        }
        for state in ["draft", "pending_review", "published", "closed"] {
            let n = demands.iter().filter(|d| mine_of(&v, d) && s(d, "state") == state).count() as u64;
            assert_eq!(mine["demands"][state].as_u64(), Some(n), "{}: 我的需求 {state}: {mine}", v.username);
        }
        let stale = own
            .iter()
            .filter(|l| {
                ["published", "pending_exit"].contains(&s(l, "state")) && s(l, "published_at") < stale_before.as_str()
            })
            .count() as u64;
        assert_eq!(mine["stale_listings"].as_u64(), Some(stale), "{}: {mine}", v.username);
        stale_seen += stale;

        let in_plaza = listings
            .iter()
            .filter(|l| ["published", "pending_exit"].contains(&s(l, "state")))
            .filter(|l| visible(&v, s(l, "unit_id"), s(l, "unit_region"), s(l, "unit_department"), s(l, "scope")))
            .count() as u64;
        assert_eq!(plaza.as_u64(), Some(in_plaza), "{}: 公物仓广场 total", v.username);
        let open_demands = demands
            .iter()
            .filter(|d| s(d, "state") == "published")
            .filter(|d| visible(&v, s(d, "unit_id"), s(d, "unit_region"), s(d, "unit_department"), s(d, "scope")))
            .count() as u64;
        assert_eq!(demand_plaza.as_u64(), Some(open_demands), "{}: 需求广场 total", v.username);

        let todo_count = |kind: &str| {
            todo["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["kind"] == kind)
                .map_or(0, |i| i["count"].as_u64().unwrap())
        };
        match v.role {
            "clerk" => {
                assert_eq!(todo_count("stale_listings"), stale, "{}: {todo}", v.username);
                assert_eq!(todo_count("returned"), count(&["returned"]), "{}: {todo}", v.username);
            }
            "reviewer" => assert_eq!(todo_count("entry_reviews"), count(&["pending_entry"]), "{}: {todo}", v.username),
            _ => {}
        }
    }
    assert_eq!(
        stale_seen,
        3 * 3,
        "the warehouse's three long-published listings, seen by its clerk, reviewer and authority"
    );
    let (_, _, _, todo, _) = &answers["210105002002jb"];
    let kinds: Vec<&str> = todo["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"stale_demands") && kinds.contains(&"new_matches"), "皇姑区第二小学's demand: {todo}");
}

fn mine_of(v: &Viewer, value: &Value) -> bool {
    mine(v, s(value, "unit_id"), s(value, "unit_region"))
}
