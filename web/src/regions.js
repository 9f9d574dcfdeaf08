// Names of 财政区划 codes for pages that get only codes from the server (上报统计数据,
// 统计报表). GET /regions answers a region's children; the names come from their
// parents' lists (a province: the top list), each asked once per page load (a
// failed answer is asked again next time; meanwhile the caller shows the code).
import { api } from './api.js'

const askedParents = new Map()

/** 210102 → 210100, 210100 → 210000, 210000 → '' (the top list). */
function parentOf(code) {
  if (code.endsWith('0000')) return ''
  if (code.endsWith('00')) return code.slice(0, 2) + '0000'
  return code.slice(0, 4) + '00'
}

function regionsUnder(parent) {
  if (!askedParents.has(parent)) {
    const answer = api
      .get('/regions', parent ? { parent } : undefined, { silent: true })
      .then((res) => res?.items ?? [])
      .catch(() => {
        askedParents.delete(parent)
        return []
      })
    askedParents.set(parent, answer)
  }
  return askedParents.get(parent)
}

/** The names of `codes` added to `known` (a Map code → name), as a new Map. */
export async function regionNames(codes, known = new Map()) {
  const parents = [...new Set(codes.filter(Boolean).map(parentOf))]
  const lists = await Promise.all(parents.map(regionsUnder))
  const names = new Map(known)
  for (const r of lists.flat()) names.set(r.code, r.name)
  return names
}
