//! 统计报表 on the demo node, with something of every kind counted: every total equals the sum of its
//! rows, the same in every grouping,
//! a direct count over the database (rules re-stated here over the stored JSON), and the .xlsx's
//! 合计 row; a unit's clerk sees its own unit only.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use gongwucang::store::{self, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

use gongwucang::domain::node::NodeKind;

use crate::federation_http::{export, import, node_id, register, user};
use crate::helpers::*;

const FIELDS: &[&str] = &[
    "units",
    "eligible_cards",
    "eligible_value_fen",
    "listed_cards",
    "listed_value_fen",
    "listed_transfer",
    "listed_share",
    "completed_transfers",
    "completed_shares",
    "completed_original_fen",
    "completed_net_fen",
    "budget_lines",
    "budget_amount_fen",
    "budget_met_quantity",
    "budget_value_met_fen",
    "demands_open",
    "demands_closed",
    "interests",
    "holds",
    "stale_listings",
    "cards_without_photos",
    "cards_without_location",
];

/// A budget line of 沈阳市第三中学 met from the warehouse (1 of 2 文件柜 at ¥950), so the report
/// has 节约财政资金 to show.
async fn meet_a_budget_line(authority: &Session) {
    let units = authority.get("/api/v1/units").await.1;
    let school = units["items"].as_array().unwrap().iter().find(|u| u["name"] == "沈阳市第三中学").unwrap().clone();
    let (status, check) = authority
        .post(
            "/api/v1/budget-checks",
            &json!({"unit_id": school["id"], "year": 2027, "budget_item": "办公家具购置", "category": "A05010502",
                "name": "文件柜", "quantity": 2, "unit_price_fen": 95_000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{check}");
    let id = check["id"].as_str().unwrap();
    let matches = authority.get(&format!("/api/v1/budget-checks/{id}/matches")).await.1;
    let first = matches["items"][0]["listing"]["id"].clone();
    assert!(first.is_string(), "the demo offers a 文件柜: {matches}");
    let (status, decided) = authority
        .post(
            &format!("/api/v1/budget-checks/{id}/outcome"),
            &json!({"met_quantity": 1, "purchase_quantity": 1, "reason": "另需一组", "listing_ids": [first]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
}

/// Something of every kind the report counts, on the demo node: a budget line met, a transfer
/// completed today by 公物仓管理中心 (1 of a card: split), an interest of 和平区教育局 in another of
/// its listings, accepted (洽谈中), and a demand closed.
async fn activity(app: &TestApp, authority: &Session) {
    let today = gongwucang::domain::clock::today();
    meet_a_budget_line(authority).await;
    let clerk = app.login_first_time("210100004002jb").await;
    let (_, mine) = clerk.get("/api/v1/listings?state=published").await;
    let transfers: Vec<&Value> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["mode"] == "transfer" && l["scope"] != "department" && l["hold"].is_null())
        .collect();
    assert!(transfers.len() >= 2, "{mine}");
    let result = json!({"method": "allocation", "receiver_name": "沈阳市档案馆", "date": today, "quantity": 1,
                        "note": "已办理调拨手续"});
    let (status, done) =
        clerk.post(&format!("/api/v1/listings/{}/result", transfers[0]["id"].as_str().unwrap()), &result).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let heping = app.login_first_time("210102002001jb").await;
    let interest =
        json!({"quantity": 1, "purpose": "新设办公室使用", "contact_name": "李明", "contact_phone": "024-22860001"});
    let (status, registered) =
        heping.post(&format!("/api/v1/listings/{}/interests", transfers[1]["id"].as_str().unwrap()), &interest).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let (status, accepted) =
        clerk.post(&format!("/api/v1/interests/{}/accept", registered["id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let demands = authority.get("/api/v1/plaza/demand").await.1;
    let demand = &demands["items"][0];
    let units = authority.get("/api/v1/units").await.1;
    let owner = units["items"].as_array().unwrap().iter().find(|u| u["id"] == demand["unit_id"]).expect("its unit");
    let owner = app
        .login_first_time(&format!("{}{}jb", owner["region"].as_str().unwrap(), owner["budget_code"].as_str().unwrap()))
        .await;
    let (status, closed) = owner
        .post(&format!("/api/v1/demands/{}/close", demand["id"].as_str().unwrap()), &json!({"reason": "purchased"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
}

fn n(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test]
async fn every_report_total_adds_up_and_equals_a_direct_count_and_the_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        gongwucang::demo::create(dir.path(), &store).unwrap();
    }
    let app = start(dir).await;
    let authority = app.login_first_time("210100czj").await;
    let today = gongwucang::domain::clock::today();
    activity(&app, &authority).await;

    let query = format!("from=2000-01-01&to={today}");
    let mut totals = Vec::new();
    for group in ["unit", "department", "region"] {
        let (status, report) = authority.get(&format!("/api/v1/reports/summary?{query}&group={group}")).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let rows = report["rows"].as_array().unwrap();
        for field in FIELDS {
            let sum: i64 = rows.iter().map(|r| n(r, field)).sum();
            assert_eq!(sum, n(&report["total"], field), "{group}: {field} adds up");
        }
        totals.push(report["total"].clone());
    }
    assert_eq!(totals[0], totals[1], "by department: the same total");
    assert_eq!(totals[0], totals[2], "by region: the same total");
    let total = totals[0].clone();
    assert_eq!(n(&total, "budget_lines"), 1);
    assert_eq!(n(&total, "budget_value_met_fen"), 95_000);

    // The .xlsx: the 合计 row holds the same numbers.
    let (status, disposition, bytes) =
        authority.get_file(&format!("/api/v1/reports/summary.xlsx?{query}&group=unit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains(".xlsx"), "{disposition}");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("统计报表").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("单位".into()))).unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last[0], Data::String("合计".into()));
    let column = |title: &str| rows[header].iter().position(|c| *c == Data::String(title.into())).unwrap();
    let number = |cell: &Data| match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?}"),
    };
    for (title, field, fen) in [
        ("单位数", "units", false),
        ("应入仓资产（件）", "eligible_cards", false),
        ("应入仓原值（元）", "eligible_value_fen", true),
        ("已入仓资产（件）", "listed_cards", false),
        ("完成调剂（项）", "completed_transfers", false),
        ("调剂共享原值（元）", "completed_original_fen", true),
        ("节约财政资金（元）", "budget_value_met_fen", true),
        ("长期未调剂共享", "stale_listings", false),
    ] {
        let cell = number(&last[column(title)]);
        let expected = if fen { n(&total, field) as f64 / 100.0 } else { n(&total, field) as f64 };
        assert!((cell - expected).abs() < 0.001, "{title}: xlsx {cell} vs {expected}");
    }
    assert_eq!(rows.len() - header - 2, 1 + total["units"].as_u64().unwrap() as usize - 1, "one row per unit");

    // A clerk's report is its unit's.
    let clerk = app.login("210100004002jb", CHANGED).await;
    let own = clerk.get(&format!("/api/v1/reports/summary?{query}")).await.1;
    assert_eq!(own["rows"].as_array().unwrap().len(), 1, "{own}");
    let (status, bad) = clerk.get("/api/v1/reports/summary?from=2026-12-01&to=2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let late = authority.get("/api/v1/reports/late-units").await.1;
    assert_eq!(late["deadline"], "2025-06-30");

    let quality = authority.get("/api/v1/quality").await.1;
    let incomplete_locations = n(&quality["problems"], "incomplete_location");

    // The direct count, over the stored records.
    let dir = app.stop().await;
    let store = Store::open(dir.path()).unwrap();
    let cards: Vec<Value> =
        store.read(store::cards::all).unwrap().iter().map(|c| serde_json::to_value(c).unwrap()).collect();
    let listings: Vec<Value> =
        store.read(store::listings::all).unwrap().iter().map(|l| serde_json::to_value(l).unwrap()).collect();
    let units = store.read(store::units::all).unwrap();
    assert_eq!(n(&total, "units"), units.len() as i64);
    let in_ledger: Vec<&Value> = cards.iter().filter(|c| c["transferred_to"].is_null()).collect();
    let eligible: Vec<&&Value> = in_ledger
        .iter()
        .filter(|c| {
            c["shared"] == true
                || ["idle", "pending_disposal", "low_efficiency"].contains(&c["status"].as_str().unwrap())
                || !c["active_listing_id"].is_null()
        })
        .collect();
    assert_eq!(n(&total, "eligible_cards"), eligible.len() as i64);
    assert_eq!(n(&total, "eligible_value_fen"), eligible.iter().map(|c| n(c, "original_value_fen")).sum::<i64>());
    let in_warehouse_ids: Vec<&str> = listings
        .iter()
        .filter(|l| ["published", "pending_exit"].contains(&l["state"].as_str().unwrap()))
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let listed = eligible
        .iter()
        .filter(|c| c["active_listing_id"].as_str().is_some_and(|id| in_warehouse_ids.contains(&id)))
        .count() as i64;
    assert_eq!(n(&total, "listed_cards"), listed);
    let in_warehouse =
        listings.iter().filter(|l| ["published", "pending_exit"].contains(&l["state"].as_str().unwrap())).count()
            as i64;
    assert_eq!(n(&total, "listed_transfer") + n(&total, "listed_share"), in_warehouse);
    let completed: Vec<&Value> = listings
        .iter()
        .filter(|l| l["state"] == "completed" && l["result"]["date"].as_str().is_some_and(|d| d <= today.as_str()))
        .collect();
    assert_eq!(n(&total, "completed_transfers") + n(&total, "completed_shares"), completed.len() as i64);
    assert!(n(&total, "completed_transfers") >= 1);
    let mode = |l: &&Value, m: &str| l["mode"] == m;
    assert_eq!(n(&total, "completed_shares"), completed.iter().filter(|l| mode(l, "share")).count() as i64);
    let in_plaza: Vec<&Value> =
        listings.iter().filter(|l| ["published", "pending_exit"].contains(&l["state"].as_str().unwrap())).collect();
    assert_eq!(n(&total, "listed_share"), in_plaza.iter().filter(|l| mode(l, "share")).count() as i64);
    for (slot, scope) in ["department", "county", "city", "province", "national"].iter().enumerate() {
        let counted = total["listed_by_scope"][slot].as_i64().unwrap();
        assert_eq!(counted, in_plaza.iter().filter(|l| l["scope"] == *scope).count() as i64, "{scope}");
    }
    // 原值 and 净值 handed over: each result's share of its card, rounded down to the fen.
    let card = |id: &Value| cards.iter().find(|c| c["id"] == *id).unwrap();
    let share = |l: &&Value, field: &str| {
        let c = card(&l["card_id"]);
        (i128::from(n(c, field)) * i128::from(n(&l["result"], "quantity")) / i128::from(n(c, "quantity"))) as i64
    };
    for (field, card_field) in
        [("completed_original_fen", "original_value_fen"), ("completed_net_fen", "net_value_fen")]
    {
        assert_eq!(n(&total, field), completed.iter().map(|l| share(l, card_field)).sum::<i64>(), "{field}");
    }
    // 配置预算衔接, demands, interests and holds, over their records.
    let budget: Vec<Value> =
        store.read(store::budget::all).unwrap().iter().map(|b| serde_json::to_value(b).unwrap()).collect();
    let decided: Vec<&Value> = budget.iter().filter(|b| b["state"] == "decided").collect();
    assert_eq!(n(&total, "budget_lines"), decided.len() as i64);
    let met: i64 = decided.iter().map(|b| n(&b["outcome"], "value_met_fen")).sum();
    assert_eq!(n(&total, "budget_value_met_fen"), met);
    assert_eq!(n(&total, "budget_met_quantity"), decided.iter().map(|b| n(&b["outcome"], "met_quantity")).sum::<i64>());
    assert_eq!(
        n(&total, "budget_amount_fen"),
        decided.iter().map(|b| n(b, "quantity") * n(b, "unit_price_fen")).sum::<i64>()
    );
    let demands: Vec<Value> =
        store.read(store::demands::all).unwrap().iter().map(|d| serde_json::to_value(d).unwrap()).collect();
    assert_eq!(n(&total, "demands_open"), demands.iter().filter(|d| d["state"] == "published").count() as i64);
    assert_eq!(n(&total, "demands_closed"), demands.iter().filter(|d| d["state"] == "closed").count() as i64);
    assert_eq!(n(&total, "demands_closed"), 1);
    let interests = store.read(store::interests::all).unwrap();
    assert_eq!(n(&total, "interests"), interests.len() as i64);
    let held = listings
        .iter()
        .filter(|l| l["state"] == "published" && l["hold"]["until"].as_str().is_some_and(|u| u >= today.as_str()))
        .count() as i64;
    assert_eq!((n(&total, "interests"), n(&total, "holds")), (1, held));
    assert_eq!(held, 1);
    // 长期未调剂共享: published, not held or widening, and past its 开放期限 or 180 days on offer.
    let stale = listings
        .iter()
        .filter(|l| {
            let held = l["hold"]["until"].as_str().is_some_and(|u| u >= today.as_str());
            l["state"] == "published" && !held && l["scope_change"].is_null()
        })
        .filter(|l| {
            let offered = l["offered_since"].as_str().or(l["published_at"].as_str()).unwrap();
            let due = match l["open_until"].as_str() {
                Some(until) => gongwucang::domain::clock::add_days(until, 1).unwrap(),
                None => gongwucang::domain::clock::add_days(&offered[..10], 180).unwrap(),
            };
            due <= today
        })
        .count() as i64;
    assert_eq!(n(&total, "stale_listings"), stale);
    assert!(stale >= 3, "the demo's stale listings");
    // Data quality: cards in the ledger without photos, and the quality page's own count of
    // incomplete locations (the same rule, reached through another route).
    let without_photos = in_ledger.iter().filter(|c| c["photos"].as_array().is_none_or(Vec::is_empty)).count() as i64;
    assert_eq!(n(&total, "cards_without_photos"), without_photos);
    assert_eq!(n(&total, "cards_without_location"), incomplete_locations);
}

/// The report by node for a period.
async fn report(session: &Session, (from, to): &(String, String)) -> Value {
    let (status, report) = session.get(&format!("/api/v1/reports/summary?group=node&from={from}&to={to}")).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    report
}

/// 按节点: a province reads each city's figures from the city's bundles, for any period, exactly
/// as the city counts them itself; the national node reads them through the province; each node
/// counts only its own units, so the total is the sum of the rows.
#[tokio::test]
async fn the_province_and_the_national_node_report_the_cities_figures_from_their_bundles() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        gongwucang::demo::create(dir.path(), &store).unwrap();
    }
    let city = start(dir).await;
    let province = spawn_node(NodeKind::Province, "210000").await;
    let national = spawn_node(NodeKind::National, "100000").await;
    let city_admin = city.login("admin", gongwucang::demo::ADMIN_PASSWORD).await;
    let (province_admin, national_admin) = (province.admin().await, national.admin().await);
    register(&city_admin, &province, "parent", "辽宁省财政厅").await;
    register(&province_admin, &city, "child", "沈阳市财政局").await;
    register(&province_admin, &national, "parent", "财政部").await;
    register(&national_admin, &province, "child", "辽宁省财政厅").await;
    let authority = city.login_first_time("210100czj").await;
    activity(&city, &authority).await;

    let today = gongwucang::domain::clock::today();
    let periods = [
        ("2000-01-01".to_owned(), today.clone()),
        (format!("{}-01-01", &today[..4]), today.clone()),
        ("2000-01-01".into(), "2000-12-31".into()),
    ];
    let mut own = Vec::new();
    for period in &periods {
        let city_report = report(&authority, period).await;
        assert_eq!(city_report["rows"].as_array().unwrap().len(), 1, "the city node has no nodes below: {city_report}");
        own.push(city_report["rows"][0].clone());
    }
    assert_eq!(n(&own[0], "budget_value_met_fen"), 95_000);
    assert!(n(&own[0], "completed_transfers") > 0, "the demo has completed transfers: {}", own[0]);
    assert_eq!(n(&own[2], "completed_transfers") + n(&own[2], "budget_lines"), 0, "nothing happened in 2000");

    import(&province_admin, &export(&city_admin, &province).await).await;
    let city_node = node_id(&city).await;
    let czt = user(&province, &province_admin, "czt", "province", "210000").await;
    let check = |report: Value, expected: &Value, at: &str| {
        let rows = report["rows"].as_array().unwrap().clone();
        let row = rows.iter().find(|r| r["key"] == city_node.as_str()).unwrap_or_else(|| panic!("{at}: {report}"));
        assert_eq!((row["region"].as_str(), row["as_of"].is_string()), (Some("210100"), true), "{at}: {row}");
        for field in FIELDS {
            assert_eq!(n(row, field), n(expected, field), "{at}: {field}");
            assert_eq!(
                rows.iter().map(|r| n(r, field)).sum::<i64>(),
                n(&report["total"], field),
                "{at}: {field} adds up"
            );
        }
    };
    for (period, expected) in periods.iter().zip(&own) {
        let report = report(&czt, period).await;
        assert_eq!(report["rows"][0]["units"], 0, "the province's own units: none: {report}");
        check(report, expected, "province");
    }
    // A clerk or an authority without 上报统计数据 sees only its own node's row.
    let (status, body) = authority.get("/api/v1/reports/summary?group=node").await;
    assert_eq!((status, body["rows"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));

    // The national node: the city's figures, forwarded by the province as reported.
    import(&national_admin, &export(&province_admin, &national).await).await;
    let mof = user(&national, &national_admin, "mof", "national", "100000").await;
    check(report(&mof, &periods[0]).await, &own[0], "national");
    let (status, disposition, _) = mof
        .get_file(&format!("/api/v1/reports/summary.xlsx?group=node&from={}&to={}", periods[0].0, periods[0].1))
        .await;
    assert_eq!((status, disposition.contains(".xlsx")), (StatusCode::OK, true));
    let national_rows = report(&mof, &periods[0]).await["rows"].as_array().unwrap().len();
    assert_eq!(national_rows, 2, "the national node itself and 沈阳 (the province has nothing of its own)");

    // A second budget line at the city: the next bundles carry only the day that changed, and
    // both nodes above still count exactly what the city counts.
    let units = authority.get("/api/v1/units").await.1;
    let school = units["items"].as_array().unwrap().iter().find(|u| u["name"] == "沈阳市第三中学").unwrap().clone();
    let line = json!({"unit_id": school["id"], "year": 2027, "budget_item": "教学设备购置", "category": "A02010105",
                      "name": "台式计算机", "quantity": 2, "unit_price_fen": 480_000});
    let (status, budget_line) = authority.post("/api/v1/budget-checks", &line).await;
    assert_eq!(status, StatusCode::CREATED, "{budget_line}");
    let outcome = json!({"met_quantity": 0, "purchase_quantity": 2, "reason": "规格不符", "listing_ids": []});
    let path = format!("/api/v1/budget-checks/{}/outcome", budget_line["id"].as_str().unwrap());
    let (status, decided) = authority.post(&path, &outcome).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    let after = report(&authority, &periods[0]).await["rows"][0].clone();
    assert_eq!(n(&after, "budget_lines"), 2);
    let up = export(&city_admin, &province).await;
    import(&province_admin, &up).await;
    import(&national_admin, &export(&province_admin, &national).await).await;
    check(report(&czt, &periods[0]).await, &after, "province, after a change");
    check(report(&mof, &periods[0]).await, &after, "national, after a change");
    let (_, bundles) = province_admin.get("/api/v1/bundles").await;
    assert!(bundles.to_string().contains("统计数据"), "{bundles}");
}
