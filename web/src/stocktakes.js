// 低效闲置资产盘点: helpers shared by the task page, the check panel page and the printable
// checklist (the server orders a checklist by location path, then asset code).
import { PATH_SEPARATOR } from './locations.js'

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
