//! Reading a ledger file into rows of text: `.xlsx` (calamine; the first sheet) or `.csv` in
//! UTF-8 (with or without BOM) or GBK/GB18030, as county systems export. Hostile files are
//! refused before they cost memory: declared zip sizes are checked before calamine inflates
//! anything, and row counts are capped.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use thiserror::Error;

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 50_000;
/// The most an xlsx may inflate to.
pub const MAX_INFLATED: u64 = 200 * 1024 * 1024;

/// A table read from a file: its header row and its data rows with their row numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The first row.
    pub headers: Vec<String>,
    /// `(row number, cells)`; the header is row 1.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// Neither a readable xlsx nor CSV.
    #[error("文件无法读取：{0}。请上传 .xlsx 或 .csv 格式的资产卡片台账")]
    Unreadable(String),
    /// Inflates to too much, or has too many rows.
    #[error("{0}")]
    TooLarge(String),
    /// No header row or no data.
    #[error("文件中没有数据：请确认第一行是列标题，其下是资产卡片")]
    Empty,
}

/// Reads a ledger file.
pub fn read(bytes: &[u8]) -> Result<Sheet, LedgerError> {
    let sheet = if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes)? } else { read_csv(bytes)? };
    if sheet.headers.iter().all(|h| h.trim().is_empty())
        || sheet.rows.iter().all(|(_, r)| r.iter().all(|c| c.trim().is_empty()))
    {
        return Err(LedgerError::Empty);
    }
    if sheet.rows.len() > MAX_ROWS {
        return Err(LedgerError::TooLarge(format!(
            "文件有 {} 行，超过单次导入上限 {MAX_ROWS} 行，请分批导入",
            sheet.rows.len()
        )));
    }
    Ok(sheet)
}

fn check_zip(bytes: &[u8]) -> Result<(), LedgerError> {
    let broken = |_| LedgerError::Unreadable("xlsx 文件已损坏或不完整".to_owned());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(broken)?;
    let mut inflated = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(broken)?;
        inflated = inflated.saturating_add(entry.size());
        if entry.size() > 10 * 1024 * 1024 && entry.size() / entry.compressed_size().max(1) > 200 {
            return Err(LedgerError::TooLarge("xlsx 文件的压缩比异常（疑似压缩炸弹），已拒绝".to_owned()));
        }
    }
    if inflated > MAX_INFLATED {
        return Err(LedgerError::TooLarge(format!("xlsx 文件解压后超过 {} MB，已拒绝", MAX_INFLATED / 1024 / 1024)));
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, LedgerError> {
    check_zip(bytes)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| LedgerError::Unreadable(format!("xlsx 文件无法打开（{e}）")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(LedgerError::Empty)?
        .map_err(|_| LedgerError::Unreadable("第一个工作表无法读取".to_owned()))?;
    let first_row = range.start().map(|(row, _)| row as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, col)| col as usize).unwrap_or(0);
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let mut text: Vec<String> = vec![String::new(); first_col];
        text.extend(cells.iter().map(cell_text));
        (first_row + i + 1, text)
    });
    let (_, headers) = rows.next().ok_or(LedgerError::Empty)?;
    Ok(Sheet { headers, rows: rows.collect() })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(dt) => excel_date(dt.as_f64()).unwrap_or_else(|| dt.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> Option<String> {
    let days = serial.floor() as i32;
    time::Date::from_julian_day(2_415_019 + days).ok().map(|d| d.to_string())
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, LedgerError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(LedgerError::Unreadable("既不是 UTF-8 也不是 GBK 编码的文本".to_owned()));
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(LedgerError::Unreadable("不是文本文件".to_owned()));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record
            .map_err(|_| LedgerError::Unreadable(format!("第 {} 行 CSV 格式错误（引号不成对或编码异常）", i + 1)))?;
        records.push((i + 1, record.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()));
        if records.len() > MAX_ROWS + 1 {
            return Err(LedgerError::TooLarge(format!("文件超过单次导入上限 {MAX_ROWS} 行，请分批导入")));
        }
    }
    let mut records = records.into_iter();
    let (_, headers) = records.next().ok_or(LedgerError::Empty)?;
    Ok(Sheet { headers, rows: records.collect() })
}

/// The import template: the header row and one example row.
pub fn template() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::domain::ledger::{COLUMNS, REQUIRED};
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("资产卡片")?;
    let bold = rust_xlsxwriter::Format::new().set_bold().set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7));
    let required = bold.clone().set_font_color(rust_xlsxwriter::Color::RGB(0xC00000));
    let example = [
        "ZC2024000001",
        "台式计算机",
        "A02010105",
        "启天M450",
        "联想",
        "1",
        "台",
        "2024-03-15",
        "5680.00",
        "4260.00",
        "闲置",
        "否",
        "机关大院 › 综合办公楼 › 3层 › 305室",
        "办公室",
        "张伟",
    ];
    for (col, header) in COLUMNS.iter().enumerate() {
        let format = if REQUIRED.contains(header) { &required } else { &bold };
        sheet.write_string_with_format(0, col as u16, *header, format)?;
        sheet.write_string(1, col as u16, example[col])?;
        sheet.set_column_width(col as u16, if *header == "存放地点" { 36 } else { 14 })?;
    }
    let notes = workbook.add_worksheet();
    notes.set_name("填写说明")?;
    notes.set_column_width(0, 100)?;
    for (row, line) in [
        "导入时只读取第一个工作表“资产卡片”；本说明页不会被导入。",
        "红色列为必填；列的顺序可以调整，其他列会被忽略。",
        "原值、净值单位为元，最多两位小数；取得日期格式为 YYYY-MM-DD。",
        "使用状态填：在用、闲置、待处置、低效运转、出租出借；是否共享共用填：是、否。",
        "存放地点按“院落 › 楼栋 › 楼层 › 房间”填写，也可用 / 或 - 分隔；系统会自动建立存放地点。",
        "资产编号已存在的卡片会按台账更新。",
    ]
    .iter()
    .enumerate()
    {
        notes.write_string(row as u32, 0, *line)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_csv_read_alike() {
        let utf8 = "资产编号,资产名称\nZC1,办公桌\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        let a = read(utf8.as_bytes()).unwrap();
        let b = read(&gbk).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.rows, vec![(2, vec!["ZC1".to_owned(), "办公桌".to_owned()])]);
    }

    #[test]
    fn the_template_reads_back_with_every_column() {
        let bytes = template().unwrap();
        let sheet = read(&bytes).unwrap();
        assert_eq!(sheet.headers, crate::domain::ledger::COLUMNS.map(str::to_owned).to_vec());
        assert_eq!(sheet.rows[0].1[7], "2024-03-15");
    }

    #[test]
    fn excel_serial_dates_become_iso_dates() {
        assert_eq!(excel_date(45_366.0).as_deref(), Some("2024-03-15"));
    }
}
