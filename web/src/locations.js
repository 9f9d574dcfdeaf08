// 存放地点 (院落 › 楼栋 › 楼层 › 房间): GET /locations answers the unit's whole
// tree as a flat list; this turns it into nested nodes for el-tree and
// el-tree-select, shared by the 存放地点 page and LocationSelect.
import { api } from './api.js'
import { LOCATION_LEVELS, LOCATION_LEVEL_ORDER } from './labels.js'

export const PATH_SEPARATOR = ' › '

/** The level below `level` ('compound' → 'building' …), null under a room. */
export function childLevel(level) {
  if (!level) return 'compound'
  const i = LOCATION_LEVEL_ORDER.indexOf(level)
  return i >= 0 && i < LOCATION_LEVEL_ORDER.length - 1 ? LOCATION_LEVEL_ORDER[i + 1] : null
}

export function levelName(level) {
  return LOCATION_LEVELS[level] ?? ''
}

/**
 * [{id, parent_id, level, name, card_count, child_count}] → roots, each node
 * with `children`, `fullName` ("主院 › 综合楼 › 3层") and `total` (cards here
 * and below); input order is kept.
 */
export function buildTree(flat) {
  const byId = new Map()
  for (const loc of flat) byId.set(loc.id, { ...loc, children: [] })
  const roots = []
  for (const node of byId.values()) {
    const parent = node.parent_id ? byId.get(node.parent_id) : null
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  // `card_count` counts the cards located exactly at a place; `total` adds its subtree.
  const walk = (nodes, prefix) => {
    for (const n of nodes) {
      n.fullName = prefix ? prefix + PATH_SEPARATOR + n.name : n.name
      n.leaf = n.children.length === 0
      walk(n.children, n.fullName)
      n.total = (n.card_count ?? 0) + n.children.reduce((s, c) => s + c.total, 0)
    }
  }
  walk(roots, '')
  // A card is placed completely when it sits at the deepest level its compound has;
  // `incompleteHere` counts the cards placed above that level (`deepestLevel`).
  const depthOf = (n) => (n.children.length ? 1 + Math.max(...n.children.map(depthOf)) : 0)
  const mark = (n, deepest) => {
    const idx = LOCATION_LEVEL_ORDER.indexOf(n.level)
    n.incompleteHere = n.card_count && idx >= 0 && idx < deepest ? n.card_count : 0
    n.deepestLevel = LOCATION_LEVEL_ORDER[Math.min(deepest, LOCATION_LEVEL_ORDER.length - 1)]
    n.children.forEach((c) => mark(c, deepest))
  }
  for (const r of roots) mark(r, LOCATION_LEVEL_ORDER.indexOf(r.level) + depthOf(r))
  return roots
}

/** GET /locations (an authority passes the unit) → the flat list. */
export async function loadLocations(unitId) {
  const res = await api.get('/locations', unitId ? { unit_id: unitId } : undefined, { silent: true })
  return res?.items ?? []
}
