// Loading listings for the pages that page on the client (我的信息, 退仓申请):
// every listing matching a filter of GET /listings (e.g. `group=in_warehouse`,
// `platform_group=published&mode=transfer`), all pages. A unit's listings are
// few enough.
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

/** The listing's card as one line: name · spec · category. */
export function cardLine(l) {
  const c = l?.card ?? {}
  return [c.spec, c.brand, c.category_name].filter(Boolean).join(' · ')
}
