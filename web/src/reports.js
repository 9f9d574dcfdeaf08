// 统计报表: the columns of a ReportRow (GET /reports/summary) as the page and the
// .xlsx name them, in the order of the .xlsx, and how a figure reads. Every figure
// comes from the server; the page never adds rows up (合计 is the server's `total`).
import { formatCount, formatFen } from './labels.js'

/** 分组 of the report: `group` of the query, its word in the selector, the name column's header. */
export const GROUPINGS = {
  unit: { label: '按单位', column: '单位' },
  department: { label: '按主管部门', column: '主管部门' },
  region: { label: '按地区', column: '地区' },
  node: { label: '按节点', column: '节点' },
}

/**
 * A figure's column: `field` (the `data-test` suffix; a ReportRow field, or
 * `listed_by_scope_N`, `listed_rate`), `label` under its group's header (amounts
 * are in 元 and shown with ¥, counts of cards / listings as in the .xlsx headers),
 * `kind` count / money / rate, `period` true for the figures of the period (期间内).
 */
const count = (field, label, period = false) => ({ field, label, kind: 'count', period })
const money = (field, label, period = false) => ({ field, label, kind: 'money', period })

/** Column groups (el-table-column nesting); a group of one figure is a single column. */
export const COLUMN_GROUPS = [
  { label: '单位数', columns: [count('units', '单位数')] },
  { label: '应入仓', columns: [count('eligible_cards', '件数'), money('eligible_value_fen', '原值')] },
  {
    label: '已入仓',
    columns: [
      count('listed_cards', '件数'),
      money('listed_value_fen', '原值'),
      { field: 'listed_rate', label: '入仓率', kind: 'rate', period: false },
    ],
  },
  { label: '在仓', columns: [count('listed_transfer', '调剂'), count('listed_share', '共享')] },
  {
    label: '在仓范围',
    columns: ['本部门', '本区县', '本地市', '本省', '全国'].map((l, i) => count('listed_by_scope_' + i, l)),
  },
  {
    label: '调剂共享完成',
    period: true,
    columns: [
      count('completed_transfers', '调剂', true),
      count('completed_shares', '共享', true),
      money('completed_original_fen', '原值', true),
      money('completed_net_fen', '净值', true),
    ],
  },
  {
    label: '配置预算衔接',
    period: true,
    columns: [
      count('budget_lines', '核对项', true),
      money('budget_amount_fen', '预算金额', true),
      count('budget_met_quantity', '调剂解决件数', true),
      money('budget_value_met_fen', '节约财政资金', true),
    ],
  },
  { label: '需求', columns: [count('demands_open', '发布中'), count('demands_closed', '期间内已关闭', true)] },
  { label: '意向与洽谈', columns: [count('interests', '期间内意向', true), count('holds', '洽谈中')] },
  { label: '长期未调剂共享', columns: [count('stale_listings', '长期未调剂共享')] },
  {
    label: '数据质量',
    columns: [count('cards_without_photos', '无照片'), count('cards_without_location', '地点不完整')],
  },
]

/** The raw value of `field` in `row` (a count, fen, or for 入仓率 the two counts). */
export function valueOf(row, field) {
  const scope = /^listed_by_scope_(\d)$/.exec(field)
  if (scope) return row.listed_by_scope?.[Number(scope[1])] ?? 0
  return row[field] ?? 0
}

/** 入仓率 = 已入仓 / 应入仓 (件), "23.5%"; "—" when nothing is to be listed. */
export function rateText(row) {
  const eligible = row.eligible_cards ?? 0
  if (!eligible) return '—'
  return (Math.round(((row.listed_cards ?? 0) * 1000) / eligible) / 10).toFixed(1) + '%'
}

/** How a figure reads in a cell: "1,234", "¥1,234.56", "23.5%". */
export function cellText(row, column) {
  if (column.kind === 'rate') return rateText(row)
  const v = valueOf(row, column.field)
  return column.kind === 'money' ? '¥' + formatFen(v) : formatCount(v)
}

/** True for a zero figure (shown pale, so the figures that matter stand out). */
export function isZero(row, column) {
  if (column.kind === 'rate') return !row.eligible_cards
  return !valueOf(row, column.field)
}

/** Fen → 万元 for a chart axis (drawing only; tables and totals stay in exact fen). */
export const tenThousandYuan = (fen) => Math.round(Number(fen ?? 0) / 100) / 10000
