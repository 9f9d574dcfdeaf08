// 低效闲置资产盘点: helpers shared by the task page, the check panel page and the printable
// checklist (the server orders a checklist by location path, then asset code).
import { PATH_SEPARATOR } from './locations.js'
import { formatCount, formatFen } from './labels.js'

/** The address a checklist's QR code opens: the check panel of one card on this node. */
export function checkUrl(stocktakeId, cardId) {
  return `${window.location.origin}/warehouse/stocktakes/${encodeURIComponent(stocktakeId)}/check/${encodeURIComponent(cardId)}`
}

/**
 * Lines → [{path, short, lines, checked}] by the ledger's 存放地点, in list order;
 * `short` is the last part of the path (for the per-place summary).
 */
export function groupByPlace(lines) {
  const groups = new Map()
  for (const l of lines) {
    const path = l.place?.path || '未登记存放地点'
    if (!groups.has(path)) groups.set(path, { path, short: path.split(PATH_SEPARATOR).at(-1), lines: [], checked: 0 })
    const g = groups.get(path)
    g.lines.push(l)
    if (l.checked) g.checked++
  }
  return [...groups.values()]
}

/**
 * 用时 in minutes → "2天3小时" / "3小时20分" / "45分钟" / "不足1分钟"; "—" when there is none
 * (an 已作废 task, or no figures yet).
 */
export function durationText(minutes) {
  if (minutes === null || minutes === undefined || Number.isNaN(Number(minutes))) return '—'
  const m = Math.floor(Number(minutes))
  if (m < 1) return '不足1分钟'
  const days = Math.floor(m / 1440)
  const hours = Math.floor((m % 1440) / 60)
  const mins = m % 60
  if (days) return `${days}天${hours ? hours + '小时' : ''}`
  if (hours) return `${hours}小时${mins ? mins + '分' : ''}`
  return `${mins}分钟`
}

/** The average 用时 of `applied` stocktakes taking `minutes` together; "—" when none applied. */
export function averageDuration(minutes, applied) {
  return applied ? durationText(Math.round(Number(minutes ?? 0) / applied)) : '—'
}

// ---------------------------------------------------------------- 盘点情况 (GET /stocktakes/overview)

/**
 * The figures of a 盘点情况 row (UnitStocktakes or RegionStocktakes), as the tables show them, in
 * header groups: `field` (the `data-test` suffix), `label`, `kind` count / money / minutes (平均用时:
 * `minutes_taken` ÷ `applied`) / done (已盘点单位 = units − not_done); `region` only in 按地区.
 */
export const OVERVIEW_COLUMN_GROUPS = [
  {
    label: '单位',
    region: true,
    columns: [
      { field: 'units', label: '单位数', kind: 'count' },
      { field: 'done_units', label: '已盘点', kind: 'done' },
      { field: 'not_done', label: '未盘点', kind: 'count' },
    ],
  },
  {
    label: '盘点任务',
    columns: [
      { field: 'tasks', label: '已开展', kind: 'count' },
      { field: 'applied', label: '已生效', kind: 'count' },
    ],
  },
  { label: '盘点资产', columns: [{ field: 'cards_checked', label: '盘点资产', kind: 'count' }] },
  {
    label: '发现闲置',
    columns: [
      { field: 'found_spare', label: '件数', kind: 'count' },
      { field: 'found_spare_value_fen', label: '原值', kind: 'money' },
      { field: 'spare_in_warehouse', label: '已入仓', kind: 'count' },
    ],
  },
  {
    label: '盘点差异',
    columns: [
      { field: 'moved', label: '地点变更', kind: 'count' },
      { field: 'missing', label: '盘亏', kind: 'count' },
      { field: 'surplus', label: '盘盈', kind: 'count' },
    ],
  },
  { label: '平均用时', columns: [{ field: 'minutes_taken', label: '平均用时', kind: 'minutes' }] },
]

/** The raw value of a column in a row (0 when absent). */
export function overviewValue(row, column) {
  if (column.kind === 'done') return (row.units ?? 0) - (row.not_done ?? 0)
  return row[column.field] ?? 0
}

/** How a figure of a row reads: "1,234", "¥1,234.56", "3小时20分" (average), "—". */
export function overviewText(row, column) {
  if (column.kind === 'minutes') return averageDuration(row.minutes_taken, row.applied)
  const v = overviewValue(row, column)
  return column.kind === 'money' ? '¥' + formatFen(v) : formatCount(v)
}

/** 已入仓 ÷ 发现闲置, "33.3%"; "—" when nothing was found. */
export function warehouseRate(row) {
  if (!row?.found_spare) return '—'
  return (Math.round((row.spare_in_warehouse * 1000) / row.found_spare) / 10).toFixed(1) + '%'
}

/** A 按地区 row's name as the server gives it (a city's own units are its 本级). */
export function regionLabel(row) {
  return row.region_name || row.region
}
