// Loading listings for the pages that show several states at once (我的信息:
// 已入仓资产 = published + pending_exit …). GET /listings filters one state per
// call, so one call per state, merged, newest first. The pages that need it
// page on the client; a unit's listings are few enough.
import { api } from './api.js'

const PAGE_SIZE = 200

/** Every listing matching `query` (all pages). */
export async function fetchAllListings(query = {}) {
  const items = []
  for (let page = 1; page < 50; page++) {
    const res = await api.get('/listings', { ...query, page, page_size: PAGE_SIZE })
    items.push(...(res?.items ?? []))
    if (!res || items.length >= (res.total ?? 0) || (res.items ?? []).length < PAGE_SIZE) break
  }
  return items
}

/** Listings in any of `states` (or national_states, with key 'national_state'). */
export async function fetchListingsIn(values, query = {}, key = 'state') {
  const lists = await Promise.all(values.map((v) => fetchAllListings({ ...query, [key]: v })))
  const seen = new Set()
  return lists
    .flat()
    .filter((l) => (seen.has(l.id) ? false : seen.add(l.id)))
    .sort((a, b) => String(b.updated_at ?? b.created_at).localeCompare(String(a.updated_at ?? a.created_at)))
}

/** The listing's card as one line: name · spec · category. */
export function cardLine(l) {
  const c = l?.card ?? {}
  return [c.spec, c.brand, c.category_name].filter(Boolean).join(' · ')
}
