//! The ledger import's rules: which Chinese column headers a 行政事业单位资产管理信息系统 export
//! has, and how one row becomes card fields — or a list of errors, each with its column and a
//! Chinese reason. Reading the file (xlsx, csv in UTF-8 or GBK) is [`crate::ledger`]'s job.

use std::collections::HashMap;

use super::DomainError;
use super::card::{CardFields, CardStatus, parse_yuan};
use super::clock;
use super::location::split_location_text;
use super::reference::Reference;

/// The columns of an export, in the template's order.
pub const COLUMNS: [&str; 15] = [
    "资产编号",
    "资产名称",
    "资产分类代码",
    "规格型号",
    "品牌",
    "数量",
    "计量单位",
    "取得日期",
    "原值",
    "净值",
    "使用状态",
    "是否共享共用",
    "存放地点",
    "使用部门",
    "使用人",
];

/// Columns without which a row cannot become a card.
pub const REQUIRED: [&str; 8] =
    ["资产编号", "资产名称", "资产分类代码", "数量", "取得日期", "原值", "净值", "使用状态"];

/// Where each known column sits in the file.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    index: HashMap<&'static str, usize>,
}

fn normalize(header: &str) -> String {
    let h: String = header.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}' && *c != '*').collect();
    for suffix in ["(元)", "（元）", "(必填)", "（必填）"] {
        if let Some(stripped) = h.strip_suffix(suffix) {
            return stripped.to_owned();
        }
    }
    h
}

/// Finds the known columns by header, in any order, ignoring extra columns; refuses a file
/// without the required ones.
pub fn map_headers(headers: &[String]) -> Result<ColumnMap, DomainError> {
    let mut index = HashMap::new();
    for (i, header) in headers.iter().enumerate() {
        let h = normalize(header);
        if let Some(column) = COLUMNS.iter().find(|c| **c == h) {
            index.entry(*column).or_insert(i);
        }
    }
    let missing: Vec<&str> = REQUIRED.iter().filter(|c| !index.contains_key(*c)).copied().collect();
    if !missing.is_empty() {
        return Err(DomainError::invalid(format!(
            "文件缺少必需的列：{}。请使用资产管理信息系统导出的资产卡片台账，或下载导入模板",
            missing.join("、")
        )));
    }
    Ok(ColumnMap { index })
}

/// A row that became card fields.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// Spreadsheet row number (the header is row 1).
    pub row: usize,
    /// The card's facts (no location id yet).
    pub fields: CardFields,
    /// 存放地点 split into 院落 › 楼栋 › 楼层 › 房间.
    pub location: Vec<String>,
}

/// A row error: row number, column, Chinese reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Spreadsheet row number.
    pub row: usize,
    /// Column header.
    pub column: String,
    /// Why.
    pub message: String,
}

/// Parses a date as ledgers write it: `2023-05-01`, `2023/5/1`, `2023.05.01`, `2023年5月1日`.
pub fn parse_ledger_date(text: &str) -> Option<time::Date> {
    let t = text.trim();
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = t.trim_end_matches('日').split(['-', '/', '.', '年', '月']).collect();
    if let [y, m, d] = parts.as_slice() {
        let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        return time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok();
    }
    clock::parse_date(t)
}

fn parse_quantity(text: &str) -> Option<u32> {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse().ok()
}

fn parse_shared(text: &str) -> Option<bool> {
    match text.trim() {
        "是" | "Y" | "y" | "1" | "true" | "TRUE" => Some(true),
        "否" | "N" | "n" | "0" | "false" | "FALSE" | "" => Some(false),
        _ => None,
    }
}

/// Turns data rows into card fields, with every error found; a repeated 资产编号 is an error on
/// its second occurrence. Blank rows are skipped.
pub fn parse_rows(
    map: &ColumnMap,
    rows: &[(usize, Vec<String>)],
    reference: &Reference,
    today: time::Date,
) -> (Vec<LedgerRow>, Vec<RowError>) {
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |column: &str| map.index.get(column).and_then(|&i| cells.get(i)).map(|s| s.trim()).unwrap_or("");
        let mut row_errors = Vec::new();
        let mut err =
            |column: &str, message: String| row_errors.push(RowError { row: *row, column: column.to_owned(), message });
        let quantity = parse_quantity(cell("数量")).unwrap_or_else(|| {
            err("数量", format!("数量“{}”不是正整数", cell("数量")));
            1
        });
        let mut money = |column: &str| {
            parse_yuan(cell(column)).unwrap_or_else(|| {
                err(column, format!("{column}“{}”不是有效金额（单位：元，最多两位小数）", cell(column)));
                0
            })
        };
        let original = money("原值");
        let net = money("净值");
        let acquired_on = match parse_ledger_date(cell("取得日期")) {
            Some(d) => d.to_string(),
            None => {
                err("取得日期", format!("取得日期“{}”无效，应为 YYYY-MM-DD", cell("取得日期")));
                today.to_string()
            }
        };
        let status = CardStatus::from_label(cell("使用状态")).unwrap_or_else(|| {
            err("使用状态", format!("使用状态“{}”无效，应为在用、闲置、待处置、低效运转或出租出借", cell("使用状态")));
            CardStatus::InUse
        });
        let shared = parse_shared(cell("是否共享共用")).unwrap_or_else(|| {
            err("是否共享共用", format!("是否共享共用“{}”无效，应为是或否", cell("是否共享共用")));
            false
        });
        let fields = CardFields {
            asset_code: cell("资产编号").to_owned(),
            name: cell("资产名称").to_owned(),
            category: cell("资产分类代码").to_owned(),
            spec: cell("规格型号").to_owned(),
            brand: cell("品牌").to_owned(),
            quantity,
            measure_unit: cell("计量单位").to_owned(),
            acquired_on,
            original_value_fen: original,
            net_value_fen: net,
            status,
            shared,
            location_id: None,
            using_department: cell("使用部门").to_owned(),
            custodian: cell("使用人").to_owned(),
            lease_end_on: None,
        };
        let already: Vec<String> = row_errors.iter().map(|e| e.column.clone()).collect();
        let original_failed = already.iter().any(|c| c == "原值") || original < 0;
        for problem in fields.problems(reference, today) {
            // A bad 原值 makes any 净值 comparison meaningless: report the cause only.
            let follow_on = original_failed && problem.column == "净值";
            if !follow_on && !already.iter().any(|c| c == problem.column) {
                row_errors.push(RowError { row: *row, column: problem.column.to_owned(), message: problem.message });
            }
        }
        let code = fields.asset_code.clone();
        if !code.is_empty() {
            if let Some(first) = seen.get(&code) {
                row_errors.push(RowError {
                    row: *row,
                    column: "资产编号".to_owned(),
                    message: format!("资产编号 {code} 在文件中重复（第 {first} 行已有）"),
                });
            } else {
                seen.insert(code, *row);
            }
        }
        if row_errors.is_empty() {
            good.push(LedgerRow { row: *row, location: split_location_text(cell("存放地点")), fields });
        } else {
            errors.extend(row_errors);
        }
    }
    (good, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (n, cells.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn headers_are_found_in_any_order_and_missing_ones_named() {
        let map = map_headers(&headers(&[
            "序号",
            "资产名称",
            "资产编号",
            "资产分类代码",
            "数量",
            "取得日期",
            "原值（元）",
            "净值",
            "使用状态",
        ]));
        assert!(map.is_ok());
        let err = map_headers(&headers(&["code", "name"])).unwrap_err();
        assert!(err.to_string().contains("资产编号"), "{err}");
    }

    #[test]
    fn each_bad_cell_is_explained_with_its_column() {
        let reference = Reference::from_shipped().unwrap();
        let today = time::macros::date!(2026 - 11 - 27);
        let map = map_headers(&headers(&[
            "资产编号",
            "资产名称",
            "资产分类代码",
            "数量",
            "取得日期",
            "原值",
            "净值",
            "使用状态",
            "存放地点",
        ]))
        .unwrap();
        let rows = [
            row(
                2,
                &[
                    "ZC1",
                    "台式计算机",
                    "A02010105",
                    "1",
                    "2020/5/1",
                    "5,680.00",
                    "1200.5",
                    "闲置",
                    "大院 › 综合楼 › 3层 › 305室",
                ],
            ),
            row(3, &["ZC2", "台式计算机", "A02019999", "1", "2020-05-01", "100", "50", "在用", ""]),
            row(4, &["ZC3", "办公椅", "A05010301", "abc", "2023-02-30", "五千", "1", "报废", ""]),
            row(5, &["ZC1", "重复", "A05010301", "1", "2020-01-01", "100", "200", "在用", ""]),
            row(6, &["", "", "", "", "", "", "", "", ""]),
        ];
        let (good, errors) = parse_rows(&map, &rows, &reference, today);
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].fields.original_value_fen, 568_000);
        assert_eq!(good[0].fields.net_value_fen, 120_050);
        assert_eq!(good[0].fields.acquired_on, "2020-05-01");
        assert_eq!(good[0].location, ["大院", "综合楼", "3层", "305室"]);
        let columns: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert!(columns.contains(&(3, "资产分类代码")));
        assert!(
            columns.contains(&(4, "数量"))
                && columns.contains(&(4, "取得日期"))
                && columns.contains(&(4, "原值"))
                && columns.contains(&(4, "使用状态"))
        );
        assert!(columns.contains(&(5, "净值")) && columns.contains(&(5, "资产编号")));
        assert!(!errors.iter().any(|e| e.row == 6));
    }
}
