//! 统计报表 on the demo node: every total equals the sum of its rows, the same in every grouping,
//! a direct count over the database (rules re-stated here over the stored JSON), and the .xlsx's
//! 合计 row; a unit's clerk sees its own unit only.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use gongwucang::store::{self, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

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

    // A budget line met from the warehouse, so the report has 节约财政资金 to show.
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
    let clerk = app.login_first_time("210100004002jb").await;
    let own = clerk.get(&format!("/api/v1/reports/summary?{query}")).await.1;
    assert_eq!(own["rows"].as_array().unwrap().len(), 1, "{own}");
    let (status, bad) = clerk.get("/api/v1/reports/summary?from=2026-12-01&to=2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let late = authority.get("/api/v1/reports/late-units").await.1;
    assert_eq!(late["deadline"], "2025-06-30");

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
    let completed = listings
        .iter()
        .filter(|l| l["state"] == "completed" && l["result"]["date"].as_str().is_some_and(|d| d <= today.as_str()))
        .count() as i64;
    assert_eq!(n(&total, "completed_transfers") + n(&total, "completed_shares"), completed);
}
