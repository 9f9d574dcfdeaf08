//! 统计报表: the figures of a period per unit, 主管部门 or region within the caller's scope (a unit
//! its own, an authority or province its region), their total, and the units late to list their
//! idle assets; as JSON for the page and as .xlsx with the same numbers. The figures are
//! `domain::report`'s.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::clock;
use crate::domain::permission::Action;
use crate::domain::permission::in_my_information;
use crate::domain::report::{self, Grouping, Laggard, Period, ReportRow};
use crate::domain::user::User;
use crate::store::report::ReportData;
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary)).routes(routes!(summary_xlsx)).routes(routes!(late_units))
}

/// `?from&to&group`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// First day (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day (default: today).
    pub to: Option<String>,
    /// unit, department or region.
    #[param(inline)]
    pub group: Option<Grouping>,
}

/// A report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// How rows are grouped.
    pub grouping: Grouping,
    /// One row per group.
    pub rows: Vec<ReportRow>,
    /// 合计: the sum of the rows.
    pub total: ReportRow,
    /// When it was computed, RFC 3339.
    pub generated_at: String,
    /// The node's name.
    pub node_name: String,
}

/// The late units.
#[derive(Debug, Serialize, ToSchema)]
pub struct LateUnits {
    /// 入仓截止日期.
    pub deadline: String,
    /// Units with idle assets outside the warehouse after it, most value first.
    pub items: Vec<Laggard>,
}

fn period_of(query: &ReportQuery) -> Result<Period, ApiError> {
    let today = clock::today();
    let from = query.from.clone().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| format!("{}-01-01", &today[..4]));
    let to = query.to.clone().filter(|t| !t.trim().is_empty()).unwrap_or(today);
    Ok(Period::new(&from, &to)?)
}

/// The report for the caller's scope and its late units, from one snapshot.
pub fn build(store: &Store, user: &User, query: &ReportQuery) -> Result<(Report, LateUnits), ApiError> {
    let period = period_of(query)?;
    let grouping = query.group.unwrap_or_default();
    let reference = store.reference();
    let (data, reported, node) = store.read(|r| {
        let data = ReportData::load(r, |u| in_my_information(user, &u.id, &u.region))?;
        // The nodes below, for those who read the figures reported upward (within their region).
        let reported = if grouping == Grouping::Node && Action::FiguresRead.allowed(user.role) {
            store::relay::reported(r)?.into_iter().filter(|n| user.region.contains(&n.region)).collect()
        } else {
            Vec::new()
        };
        Ok((data, reported, store::node::get(r)?))
    })?;
    let today = clock::today();
    let node_name = node.as_ref().map(|n| n.name.clone()).unwrap_or_default();
    let (rows, total) = report::summarize(&data.inputs(&today), &period, grouping, |code| reference.region_name(code));
    let (rows, total) = if grouping == Grouping::Node {
        let own = ReportRow {
            key: node.map(|n| n.node_id).unwrap_or_default(),
            name: node_name.clone(),
            ..rows.into_iter().next().unwrap_or_default()
        };
        let mut reported = reported;
        reported.sort_by(|a, b| a.region.as_str().cmp(b.region.as_str()).then(a.node.cmp(&b.node)));
        report::node_rows(own, &reported, &period)
    } else {
        (rows, total)
    };
    let late = LateUnits { items: data.laggards(&today), deadline: data.settings.listing_deadline };
    Ok((Report { period, grouping, rows, total, generated_at: clock::now_rfc3339(), node_name }, late))
}

/// 统计报表 for a period.
#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(ReportQuery),
    responses((status = 200, body = Report), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn summary(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || build(&store, &ctx.user, &query)).await?.0))
}

/// The same report as an .xlsx workbook (统计报表 and 未按期入仓单位), with the same numbers.
#[utoipa::path(get, path = "/api/v1/reports/summary.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn summary_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let bytes = blocking(move || {
        let (report, late) = build(&store, &ctx.user, &query)?;
        workbook(&report, &late).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                // 统计报表.xlsx
                "attachment; filename=\"report.xlsx\"; filename*=UTF-8''%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8.xlsx"
                    .to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// 未按期入仓单位: units in the caller's scope still holding idle assets outside the warehouse
/// after the node's deadline (系统设置 › 入仓截止日期).
#[utoipa::path(get, path = "/api/v1/reports/late-units", tag = "reports",
    responses((status = 200, body = LateUnits), (status = 403, body = ErrorBody)))]
async fn late_units(State(state): State<AppState>, ctx: Ctx) -> Result<Json<LateUnits>, ApiError> {
    let store = state.store.clone();
    let late = blocking(move || {
        let data = store.read(|r| ReportData::load(r, |u| in_my_information(&ctx.user, &u.id, &u.region)))?;
        Ok::<_, ApiError>(LateUnits { items: data.laggards(&clock::today()), deadline: data.settings.listing_deadline })
    })
    .await?;
    Ok(Json(late))
}

/// The columns of the report sheet: header and how a row shows in it.
type Column = (&'static str, fn(&ReportRow) -> Cell);

/// A cell: a count or an amount of fen (shown in 元).
enum Cell {
    Count(u64),
    Fen(i64),
    Ratio(u64, u64),
}

const COLUMNS: &[Column] = &[
    ("单位数", |r| Cell::Count(r.units)),
    ("应入仓资产（件）", |r| Cell::Count(r.eligible_cards)),
    ("应入仓原值（元）", |r| Cell::Fen(r.eligible_value_fen)),
    ("已入仓资产（件）", |r| Cell::Count(r.listed_cards)),
    ("已入仓原值（元）", |r| Cell::Fen(r.listed_value_fen)),
    ("入仓率", |r| Cell::Ratio(r.listed_cards, r.eligible_cards)),
    ("在仓·调剂（项）", |r| Cell::Count(r.listed_transfer)),
    ("在仓·共享（项）", |r| Cell::Count(r.listed_share)),
    ("本部门", |r| Cell::Count(r.listed_by_scope[0])),
    ("本区县", |r| Cell::Count(r.listed_by_scope[1])),
    ("本地市", |r| Cell::Count(r.listed_by_scope[2])),
    ("本省", |r| Cell::Count(r.listed_by_scope[3])),
    ("全国", |r| Cell::Count(r.listed_by_scope[4])),
    ("完成调剂（项）", |r| Cell::Count(r.flows.completed_transfers)),
    ("完成共享（项）", |r| Cell::Count(r.flows.completed_shares)),
    ("调剂共享原值（元）", |r| Cell::Fen(r.flows.completed_original_fen)),
    ("调剂共享净值（元）", |r| Cell::Fen(r.flows.completed_net_fen)),
    ("预算核对（项）", |r| Cell::Count(r.flows.budget_lines)),
    ("核对预算金额（元）", |r| Cell::Fen(r.flows.budget_amount_fen)),
    ("调剂解决（件）", |r| Cell::Count(r.flows.budget_met_quantity)),
    ("节约财政资金（元）", |r| Cell::Fen(r.flows.budget_value_met_fen)),
    ("需求·发布中", |r| Cell::Count(r.demands_open)),
    ("需求·已关闭", |r| Cell::Count(r.flows.demands_closed)),
    ("调剂意向", |r| Cell::Count(r.flows.interests)),
    ("洽谈中", |r| Cell::Count(r.holds)),
    ("长期未调剂共享", |r| Cell::Count(r.stale_listings)),
    ("无照片卡片", |r| Cell::Count(r.cards_without_photos)),
    ("存放地点不完整卡片", |r| Cell::Count(r.cards_without_location)),
];

/// The workbook: 统计报表 (a title, the period, one row per group, 合计) and 未按期入仓单位.
pub fn workbook(report: &Report, late: &LateUnits) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7));
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.0%");
    let bold = Format::new().set_bold();
    let bold_money = money.clone().set_bold();
    let bold_percent = percent.clone().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("统计报表")?;
    let group = match report.grouping {
        Grouping::Unit => "单位",
        Grouping::Department => "主管部门",
        Grouping::Region => "地区",
        Grouping::Node => "节点",
    };
    sheet.write_string_with_format(0, 0, format!("{} 统计报表", report.node_name), &bold)?;
    sheet.write_string(
        1,
        0,
        format!(
            "统计期间：{} 至 {}（在仓、洽谈中、长期未调剂、数据质量为生成时的状态）",
            report.period.from, report.period.to
        ),
    )?;
    sheet.write_string(2, 0, format!("生成时间：{}", report.generated_at))?;
    sheet.write_string_with_format(4, 0, group, &head)?;
    sheet.set_column_width(0, 28)?;
    for (col, (title, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(4, col as u16 + 1, *title, &head)?;
        sheet.set_column_width(col as u16 + 1, 12)?;
    }
    let mut write_row = |row: u32, r: &ReportRow, total: bool| -> Result<(), rust_xlsxwriter::XlsxError> {
        let name = if total { "合计".to_owned() } else { r.name.clone() };
        if total {
            sheet.write_string_with_format(row, 0, name, &bold)?;
        } else {
            sheet.write_string(row, 0, name)?;
        }
        for (col, (_, value)) in COLUMNS.iter().enumerate() {
            let col = col as u16 + 1;
            match value(r) {
                Cell::Count(n) if total => sheet.write_number_with_format(row, col, n as f64, &bold)?,
                Cell::Count(n) => sheet.write_number(row, col, n as f64)?,
                Cell::Fen(fen) => sheet.write_number_with_format(
                    row,
                    col,
                    fen as f64 / 100.0,
                    if total { &bold_money } else { &money },
                )?,
                Cell::Ratio(_, 0) => sheet.write_string(row, col, "—")?,
                Cell::Ratio(a, b) => sheet.write_number_with_format(
                    row,
                    col,
                    a as f64 / b as f64,
                    if total { &bold_percent } else { &percent },
                )?,
            };
        }
        Ok(())
    };
    for (n, r) in report.rows.iter().enumerate() {
        write_row(5 + n as u32, r, false)?;
    }
    write_row(5 + report.rows.len() as u32, &report.total, true)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("未按期入仓单位")?;
    sheet.write_string_with_format(
        0,
        0,
        format!("入仓截止日期 {} 后仍有闲置资产未入仓的单位", late.deadline),
        &bold,
    )?;
    for (col, (title, width)) in [
        ("单位名称", 28),
        ("主管部门", 20),
        ("财政区划", 10),
        ("联系人", 10),
        ("联系电话", 16),
        ("未入仓资产（件）", 12),
        ("未入仓原值（元）", 14),
        ("截止日前是否入仓过", 12),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(2, col as u16, *title, &head)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (n, l) in late.items.iter().enumerate() {
        let row = 3 + n as u32;
        sheet.write_string(row, 0, &l.unit_name)?;
        sheet.write_string(row, 1, &l.department)?;
        sheet.write_string(row, 2, &l.region)?;
        sheet.write_string(row, 3, &l.contact_name)?;
        sheet.write_string(row, 4, &l.contact_phone)?;
        sheet.write_number(row, 5, l.unlisted_cards as f64)?;
        sheet.write_number_with_format(row, 6, l.unlisted_value_fen as f64 / 100.0, &money)?;
        sheet.write_string(row, 7, if l.listed_by_deadline { "是" } else { "否" })?;
    }
    workbook.save_to_buffer()
}
