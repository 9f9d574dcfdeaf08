// 低效闲置资产盘点 beyond the straight path, on the demo node (`gongwucang demo`, 沈阳市公物仓管理中心, whose
// 库房 rooms (货位) hold one card each); each task is opened and, where not under test, checked and
// submitted through the API:
//   退回: the reviewer 退回 a submitted task with a reason → the clerk's to-do says 被退回, the list and
//   the task page show the reason → the clerk 重盘 the wrong line and 提交审核 again (API: submitted,
//   the line corrected);
//   作废: the clerk 作废 a task (confirm) → 已作废, no action left on the page (API: cancelled, no actions);
//   盘盈 on a phone (375×667): 登记盘盈 → 上传照片 → the thumbnail (API: the 盘盈 has the photo);
//   地点变更 on a phone: a card found in another room (更改 → the room) → 提交审核 → approved (API) → the
//   card's 存放地点 is that room, its history says 盘点 (API and the card page);
//   the task page's figures (用时, 发现闲置 with 原值, 已入仓) as in GET /stocktakes/{id};
//   盘点情况: the city's authority (210100czj) — the KPI cards, the 按单位 rows (未盘点 first) and the 合计
//   are GET /stocktakes/overview's; 导出Excel's 合计 rows match; the clerk of 和平区教育局 sees its own row.
// Screenshots: target/browser-screenshots/stocktake-review-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import readExcelFile from 'read-excel-file/node'
import {
  PHONE, apiSession, assertNoSideways, byTest, confirmBox, fill, fullShot, inputOf, launchBrowser, login, photoPng,
  settled, shot, startDemo, success,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const CLERK = { username: '210100004002jb', password: 'Zhongxin2025jb' }
const REVIEWER = { username: '210100004002', password: 'Zhongxin2025sh' }
const AUTHORITY = { username: '210100czj', password: 'Caizheng2025' }
const OTHER_CLERK = { username: '210102002001jb', password: 'Jiaoyu2025jb' }
const REASON = '资产 A 的使用状态与现场不符，请复核后重新提交'

let demo, desktop, phone, clerkApi, reviewerApi
/** Rooms of the unit holding one card, with a name no other place has; `free`: the card is not in the warehouse. */
let rooms = []

before(async () => {
  desktop = await launchBrowser()
  phone = await launchBrowser(PHONE)
  demo = await startDemo('gwc-stocktake-review-')
  for (const u of [REVIEWER, AUTHORITY, OTHER_CLERK]) await (await apiSession(demo.server.url, u.username, INITIAL, u.password)).close()
  clerkApi = await apiSession(demo.server.url, CLERK.username, INITIAL, CLERK.password)
  reviewerApi = await apiSession(demo.server.url, REVIEWER.username, REVIEWER.password)

  const places = (await clerkApi.get('/locations')).items
  const named = (name) => places.filter((p) => p.name === name).length
  for (const room of places.filter((p) => p.level === 'room' && named(p.name) === 1)) {
    const cards = (await clerkApi.get(`/cards?location_id=${room.id}&page_size=10`)).items
    if (cards.length === 1) rooms.push({ ...room, card: cards[0], free: !cards[0].active_listing_id })
  }
  // The one moved (and approved) first: a card outside the warehouse.
  rooms.sort((a, b) => b.free - a.free)
  assert.ok(rooms.length >= 4 && rooms[0].free, `four rooms of one card each, one outside the warehouse: ${rooms.map((r) => r.name)}`)
})

after(async () => {
  for (const s of [clerkApi, reviewerApi]) await s?.close()
  await demo?.server.stop()
  if (demo) await fs.rm(demo.dir, { recursive: true, force: true })
  assert.deepEqual(desktop?.consoleErrors ?? [], [], 'no uncaught errors in the desktop page')
  assert.deepEqual(phone?.consoleErrors ?? [], [], 'no uncaught errors in the phone page')
  await desktop?.close()
  await phone?.close()
})

/** Log in through the form as `user` in browser `b` (any previous session dropped first). */
async function as(b, user) {
  await b.page.context().clearCookies()
  await login(b.page, demo.server.url, user.username, user.password)
  await b.page.waitForURL((u) => u.pathname === '/')
}

async function open(page, p) {
  await page.goto(new URL(p, demo.server.url).href)
  await settled(page)
}

function inDays(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
}

/** A stocktake of `place` opened through the API. */
async function openStocktake(place, title) {
  return clerkApi.post('/stocktakes', { title, scope: { kind: 'location', location_id: place.id }, due_on: inDays(7) })
}

/** Every unchecked line of stocktake `id` checked through the API as the ledger says (or `check(line)`). */
async function checkRest(id, check = () => null) {
  const st = await clerkApi.get(`/stocktakes/${id}`)
  for (const l of st.lines.filter((l) => !l.checked)) {
    await clerkApi.put(`/stocktakes/${id}/lines/${l.card_id}`, check(l) ?? { found: true, status: l.status })
  }
}

/** A status other than `status`. */
const otherThan = (status) => (status === 'in_use' ? 'idle' : 'in_use')

const YEAR = String(new Date().getFullYear())

/** Integer fen → "1,234.56" (string arithmetic, as the page does). */
function yuan(fen) {
  const n = BigInt(fen)
  return `${(n / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(n % 100n).toString().padStart(2, '0')}`
}
const count = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** 用时 as the contract words it: "2天3小时", "3小时20分", "45分钟", "不足1分钟". */
function duration(minutes) {
  if (minutes < 1) return '不足1分钟'
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60]
  if (d) return `${d}天${h ? h + '小时' : ''}`
  if (h) return `${h}小时${m ? m + '分' : ''}`
  return `${m}分钟`
}

/** The figures of the 盘点情况 tables (`overview-cell-<field>`) and how one reads. */
const UNIT_FIELDS = ['tasks', 'applied', 'cards_checked', 'found_spare', 'found_spare_value_fen', 'spare_in_warehouse', 'moved', 'missing', 'surplus', 'minutes_taken']
const REGION_FIELDS = ['units', 'done_units', 'not_done', ...UNIT_FIELDS]
function expectedTexts(row, fields) {
  return Object.fromEntries(
    fields.map((f) => {
      if (f === 'found_spare_value_fen') return [f, '¥' + yuan(row[f])]
      if (f === 'minutes_taken') return [f, row.applied ? duration(Math.round(row[f] / row.applied)) : '—']
      if (f === 'done_units') return [f, count(row.units - row.not_done)]
      return [f, count(row[f])]
    }),
  )
}
/** A table row's figures: field → text. */
async function rowTexts(row) {
  const cells = await row.locator('[data-test^="overview-cell-"]').evaluateAll((els) =>
    els.map((e) => [e.dataset.test.slice('overview-cell-'.length), e.textContent.trim()]),
  )
  return Object.fromEntries(cells)
}
/** The 合计 row of the `kind` table: field → text. */
async function totalTexts(page, kind) {
  const prefix = `overview-total-${kind}-`
  const cells = await page.locator(`[data-test^="${prefix}"]`).evaluateAll(
    (els, prefix) => els.map((e) => [e.dataset.test.slice(prefix.length), e.textContent.trim()]),
    prefix,
  )
  const totals = Object.fromEntries(cells)
  delete totals.name
  return totals
}
/** The .xlsx columns checked against 合计: header → field. */
const XLSX_COLUMNS = [
  ['盘点任务（个）', 'tasks'],
  ['已生效（个）', 'applied'],
  ['盘点资产（件）', 'cards_checked'],
  ['发现闲置（件）', 'found_spare'],
  ['闲置原值（元）', 'found_spare_value_fen'],
  ['已入仓（件）', 'spare_in_warehouse'],
  ['盘亏（件）', 'missing'],
  ['盘盈（项）', 'surplus'],
]

describe('低效闲置资产盘点: 退回, 作废, 盘盈 photos, 地点变更, 盘点情况', () => {
  /** Filled in on the way. */
  const ctx = { returned: null, moved: null }

  test('the reviewer 退回 with a reason; the clerk sees it (to-do, list, task page), corrects the line and submits again', async () => {
    const room = rooms[1]
    const wrong = otherThan(room.card.status)
    ctx.returned = await openStocktake(room, '退回测试盘点')
    const id = ctx.returned.id
    await checkRest(id, (l) => ({ found: true, status: wrong, note: '按现场情况' }))
    await clerkApi.post(`/stocktakes/${id}/submit`)

    const { page } = desktop
    await as(desktop, REVIEWER)
    await open(page, `/warehouse/stocktakes/${id}`)
    await page.locator(byTest('stocktake-differences')).getByText('使用状态变更').waitFor()
    await page.locator(byTest('stocktake-reject')).click()
    const box = page.locator('.el-message-box', { hasText: '请填写退回理由' })
    await box.locator('input').fill(REASON)
    await shot(page, 'stocktake-review-reject-reason')
    await confirmBox(page, '退回')
    await success(page, '已退回盘点人员')
    await page.locator(byTest('stocktake-state')).getByText('盘点中').waitFor()
    let st = await clerkApi.get(`/stocktakes/${id}`)
    assert.equal(st.state, 'checking')
    assert.equal(st.reason, REASON)

    // The clerk: the to-do says one was returned; it leads to the list, which says why.
    await as(desktop, CLERK)
    const todo = page.locator(byTest('todo-stocktakes_checking'))
    await todo.filter({ hasText: '1 个被退回' }).waitFor()
    const todoApi = (await clerkApi.get('/todo')).items.find((i) => i.kind === 'stocktakes_checking')
    assert.equal(await todo.locator('.todo-title').innerText(), todoApi.title)
    await todo.click()
    await page.waitForURL((u) => u.pathname === '/warehouse/stocktakes')
    await settled(page)
    assert.equal((await page.locator(byTest('stocktake-returned-' + id)).innerText()).trim(), `审核退回：${REASON}`)
    await shot(page, 'stocktake-review-returned-list')
    await page.locator(byTest('stocktake-link-' + id)).click()
    await page.waitForURL((u) => u.pathname === `/warehouse/stocktakes/${id}`)
    await settled(page)
    assert.equal((await page.locator(byTest('stocktake-reason')).innerText()).trim(), `审核退回：${REASON}`)
    await fullShot(page, 'stocktake-review-returned-task')

    // 重盘 the line: the status the ledger has after all.
    await page.locator(byTest('line-check-' + room.card.asset_code)).click()
    const panel = page.locator(byTest('check-panel'))
    await panel.locator(byTest('check-status-' + room.card.status)).click()
    await panel.locator(byTest('check-save')).click()
    await success(page, `已盘点 ${room.card.asset_code}`)
    await page.keyboard.press('Escape')
    await page.locator(byTest('check-drawer')).waitFor({ state: 'hidden' })
    await page.locator(byTest('stocktake-submit')).click()
    await success(page, '已提交审核')
    await page.locator(byTest('stocktake-state')).getByText('待审核').waitFor()
    assert.equal(await page.locator(byTest('stocktake-reason')).count(), 0, 'the reason is not shown once submitted again')

    st = await clerkApi.get(`/stocktakes/${id}`)
    assert.equal(st.state, 'submitted')
    assert.equal(st.lines[0].checked.status, room.card.status, 'the corrected check')
    assert.ok(!st.differences.some((d) => d.kind === 'status'), 'no status difference left')
    assert.equal(
      (await clerkApi.get('/todo')).items.find((i) => i.kind === 'stocktakes_checking'),
      undefined,
      'nothing being checked on the to-do any more',
    )
  })

  test('作废 (confirm): 已作废, and no action is left on the page', async () => {
    const room = rooms[2]
    const st0 = await openStocktake(room, '作废测试盘点')
    const { page } = desktop
    await open(page, `/warehouse/stocktakes/${st0.id}`)
    await page.locator(byTest('line-check-' + room.card.asset_code)).waitFor()
    await page.locator(byTest('stocktake-cancel')).click()
    await page.locator('.el-message-box', { hasText: '作废后此盘点任务不再生效' }).waitFor()
    await confirmBox(page, '作废')
    await success(page, '已作废')
    await page.locator(byTest('stocktake-state')).getByText('已作废').waitFor()
    for (const action of ['stocktake-submit', 'stocktake-cancel', 'stocktake-approve', 'stocktake-reject', 'stocktake-entry-requests', 'surplus-add']) {
      assert.equal(await page.locator(byTest(action)).count(), 0, `no ${action}`)
    }
    assert.equal(await page.locator('[data-test^="line-check-"]').count(), 0, 'no 盘点 button on a line')
    await shot(page, 'stocktake-review-cancelled')

    const st = await clerkApi.get(`/stocktakes/${st0.id}`)
    assert.equal(st.state, 'cancelled')
    assert.equal(st.state_label, '已作废')
    assert.deepEqual(st.actions, [])
    await open(page, '/warehouse/stocktakes')
    const row = page.locator(byTest('stocktakes-table')).locator('tr', { has: page.locator(byTest('stocktake-link-' + st0.id)) })
    await row.locator(byTest('stocktake-state')).getByText('已作废').waitFor()
  })

  test('on a phone: 登记盘盈, then 上传照片 — the thumbnail shows, the 盘盈 has the photo', async () => {
    const room = rooms[3]
    const st0 = await openStocktake(room, '盘盈照片测试盘点')
    const { page } = phone
    await as(phone, CLERK)
    await open(page, `/warehouse/stocktakes/${st0.id}`)
    await page.locator(byTest('surplus-add')).click()
    const dialog = page.locator(byTest('surplus-dialog'))
    await fill(page, 'surplus-name', '折叠椅')
    await fill(page, 'surplus-spec', '钢制，灰色')
    await dialog.locator(byTest('surplus-quantity')).locator('input').fill('4')
    await dialog.locator('.el-dialog__title').click()
    await shot(page, 'stocktake-review-phone-surplus-dialog')
    await dialog.locator(byTest('surplus-submit')).click()
    await success(page, '已登记盘盈')
    await dialog.waitFor({ state: 'hidden' })

    let st = await clerkApi.get(`/stocktakes/${st0.id}`)
    assert.equal(st.surplus.length, 1)
    const s = st.surplus[0]
    assert.deepEqual([s.name, s.spec, s.quantity, s.status, s.photos.length], ['折叠椅', '钢制，灰色', 4, 'idle', 0])
    const row = page.locator(byTest('surplus-' + s.id))
    await row.getByText('折叠椅').waitFor()
    assert.equal(await row.locator('input[type=file][capture=environment]').count(), 1, 'the phone offers its camera')
    await row.locator(byTest('surplus-photo-input')).setInputFiles({ name: 'chairs.png', mimeType: 'image/png', buffer: photoPng(3) })
    await success(page, '照片已上传')
    const thumb = row.locator(`${byTest('surplus-photo')} img`)
    await thumb.waitFor()
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle())

    st = await clerkApi.get(`/stocktakes/${st0.id}`)
    assert.equal(st.surplus[0].photos.length, 1, 'the 盘盈 has the photo')
    assert.ok((await thumb.getAttribute('src')).includes(st.surplus[0].photos[0].hash), 'the thumbnail is that photo')
    assert.equal(await row.locator(byTest('surplus-photo-flag')).count(), 0, 'a sharp photo is not flagged')
    await assertNoSideways(page, 'task page with a 盘盈')
    await row.scrollIntoViewIfNeeded()
    await shot(page, 'stocktake-review-phone-surplus')
    await clerkApi.post(`/stocktakes/${st0.id}/cancel`)
  })

  test('on a phone: a card found in another room → approved → its 存放地点 is that room, its history says 盘点', async () => {
    const [from, to] = [rooms[0], rooms[1]]
    const st0 = await openStocktake(from, '地点变更测试盘点')
    ctx.moved = st0
    const { page } = phone
    await open(page, `/warehouse/stocktakes/${st0.id}`)
    await page.locator(byTest('line-check-' + from.card.asset_code)).click()
    const panel = page.locator(byTest('check-panel'))
    await panel.locator(byTest('check-place')).getByText(from.path).waitFor()
    await panel.locator(byTest('check-status-idle')).click()
    await panel.locator(byTest('check-move')).click()
    await inputOf(page, 'check-location').click()
    await page.locator(byTest('check-location-option-' + to.name)).first().click()
    await shot(page, 'stocktake-review-phone-move')
    await panel.locator(byTest('check-save')).click()
    await success(page, `已盘点 ${from.card.asset_code}`)
    await page.keyboard.press('Escape')
    await page.locator(byTest('check-drawer')).waitFor({ state: 'hidden' })
    const line = page.locator(byTest('line-' + from.card.asset_code))
    assert.equal((await line.locator('.moved').innerText()).trim(), `移至 ${to.path}`)

    let st = await clerkApi.get(`/stocktakes/${st0.id}`)
    assert.equal(st.lines[0].checked.location_id, to.id)
    assert.equal(st.lines[0].checked.moved_to.path, to.path)
    assert.equal(st.progress.moved, 1)
    await page.locator(byTest('stocktake-submit')).click()
    await success(page, '已提交审核')
    await page.locator(byTest('stocktake-state')).getByText('待审核').waitFor()
    await assertNoSideways(page, 'task page with a moved card')

    st = await reviewerApi.post(`/stocktakes/${st0.id}/review`, { decision: 'approve' })
    assert.equal(st.state, 'applied')
    const moved = st.differences.find((d) => d.kind === 'moved')
    assert.deepEqual([moved.from, moved.to, moved.conflict], [from.id, to.id, null])

    const card = await clerkApi.get(`/cards/${from.card.id}`)
    assert.equal(card.location_id, to.id)
    const entry = card.history.find((h) => h.source === 'stocktake' && h.field === '存放地点')
    assert.ok(entry, `a 盘点 history entry for the location: ${JSON.stringify(card.history.slice(0, 3))}`)
    assert.deepEqual([entry.before, entry.after], [from.path, to.path])

    await open(page, `/cards/${from.card.id}`)
    assert.equal((await page.locator(byTest('card-location')).innerText()).trim(), to.path)
    const history = page.locator(byTest('card-history'))
    await history.scrollIntoViewIfNeeded()
    await history.locator('.el-tag', { hasText: '盘点' }).first().waitFor()
    await shot(page, 'stocktake-review-phone-card')
  })
  test('the task page shows the figures: 用时, 发现闲置 with its 原值, 已入仓 (after the draft is listed)', async () => {
    // The card found idle goes into the warehouse: 生成入仓申请, the draft submitted, approved (API).
    const id = ctx.moved.id
    const { created } = await clerkApi.post(`/stocktakes/${id}/entry-requests`)
    assert.equal(created.length, 1)
    await clerkApi.post(`/listings/${created[0]}/submit`)
    assert.equal((await reviewerApi.post(`/listings/${created[0]}/review`, { decision: 'approve' })).state, 'published')

    const st = await clerkApi.get(`/stocktakes/${id}`)
    const card = await clerkApi.get(`/cards/${rooms[0].card.id}`)
    const f = st.figures
    assert.deepEqual(
      [f.cards_checked, f.found_spare, f.found_spare_value_fen, f.spare_in_warehouse, f.moved, f.missing, f.surplus],
      [1, 1, card.original_value_fen, 1, 1, 0, 0],
    )
    assert.equal(typeof f.minutes_taken, 'number')

    const { page } = desktop
    await open(page, `/warehouse/stocktakes/${id}`)
    const figures = page.locator(byTest('stocktake-figures'))
    await figures.waitFor()
    assert.equal(await figures.locator(byTest('stocktake-fig-minutes')).innerText(), duration(f.minutes_taken))
    assert.equal(await figures.locator(byTest('stocktake-fig-spare')).innerText(), `1 件（原值 ¥${yuan(card.original_value_fen)}）`)
    assert.equal(await figures.locator(byTest('stocktake-fig-warehouse')).innerText(), '1 / 1')
    assert.match(await figures.innerText(), /^用时/)
    await fullShot(page, 'stocktake-review-figures')
    await open(phone.page, `/warehouse/stocktakes/${id}`)
    await phone.page.locator(byTest('stocktake-fig-warehouse')).getByText('1 / 1').waitFor()
    await assertNoSideways(phone.page, 'task page with figures')
    await shot(phone.page, 'stocktake-review-phone-figures')

    // A cancelled task has no 用时; one being checked says 已用时.
    const cancelled = (await clerkApi.get('/stocktakes')).items.find((t) => t.state === 'cancelled')
    assert.equal(cancelled.figures.minutes_taken, null)
    await open(page, `/warehouse/stocktakes/${cancelled.id}`)
    await page.locator(byTest('stocktake-figures')).waitFor()
    assert.equal(await page.locator(byTest('stocktake-fig-minutes')).count(), 0, 'no 用时 once 作废')
    await page.locator(byTest('stocktake-cancelled')).waitFor()
  })

  test('盘点情况, the city\'s authority: KPI cards, 按地区, 按单位 (未盘点 first) and 合计 are the server\'s; 导出Excel', async () => {
    const authorityApi = await apiSession(demo.server.url, AUTHORITY.username, AUTHORITY.password)
    const me = await authorityApi.get('/me')
    assert.ok(me.permissions.includes('stocktakes.overview'))
    assert.ok(!me.permissions.includes('stocktakes.read'), 'an authority does not open the units\' tasks')
    const api = await authorityApi.get(`/stocktakes/overview?year=${YEAR}`)
    await authorityApi.close()
    assert.equal(api.year, YEAR)

    // The warehouse centre's row is its tasks' figures added up (GET /stocktakes, the clerk's).
    const centreId = (await clerkApi.get('/me')).user.unit_id
    const tasks = (await clerkApi.get('/stocktakes')).items.filter((t) => t.state !== 'cancelled')
    const applied = tasks.filter((t) => t.state === 'applied')
    const sum = (field) => applied.reduce((n, t) => n + t.figures[field], 0)
    const centre = api.items.find((i) => i.unit_id === centreId)
    assert.deepEqual(
      [centre.tasks, centre.applied, centre.cards_checked, centre.found_spare, centre.found_spare_value_fen,
        centre.spare_in_warehouse, centre.moved, centre.missing, centre.surplus, centre.minutes_taken],
      [tasks.length, applied.length, ...['cards_checked', 'found_spare', 'found_spare_value_fen', 'spare_in_warehouse', 'moved', 'missing', 'surplus', 'minutes_taken'].map(sum)],
    )
    assert.deepEqual([centre.applied, centre.moved, centre.spare_in_warehouse], [1, 1, 1])
    assert.equal(api.total.units, api.items.length)
    assert.equal(api.not_done, api.items.length - 1, 'only the centre has done one')
    assert.equal(api.total.not_done, api.not_done)
    assert.equal(api.items.at(-1).unit_id, centreId, 'the units without one first')
    assert.ok(api.regions.length > 1, 'the city\'s units lie in several 区县')

    const { page } = desktop
    await as(desktop, AUTHORITY)
    await page.locator(byTest('menu-warehouse-stocktakes-overview')).click()
    await page.waitForURL((u) => u.pathname === '/warehouse/stocktakes-overview')
    await settled(page)
    await page.locator(byTest('overview-meta')).filter({ hasText: `${YEAR} 年度，共 ${api.items.length} 个单位` }).waitFor()

    // KPI cards from 合计.
    const t = api.total
    const kpi = (key) => page.locator(byTest(`overview-kpi-${key}-value`)).innerText()
    assert.equal(await kpi('units'), `${t.units - t.not_done} / ${t.units}`)
    assert.equal(await kpi('cards'), `${count(t.cards_checked)} 件`)
    assert.equal(await kpi('spare'), `${count(t.found_spare)} 件`)
    assert.match(await page.locator(byTest('overview-kpi-spare')).innerText(), new RegExp(`原值 ¥${yuan(t.found_spare_value_fen).replace('.', '\\.')}`))
    assert.equal(await kpi('warehouse'), `${count(t.spare_in_warehouse)} 件`)
    assert.match(await page.locator(byTest('overview-kpi-warehouse')).innerText(), /占发现闲置的 100\.0%/)
    assert.equal(await kpi('missing'), `${count(t.missing)} 件`)
    assert.equal(await kpi('surplus'), `${count(t.surplus)} 项`)
    assert.equal(await kpi('minutes'), duration(Math.round(t.minutes_taken / t.applied)))

    // 按单位: the server's rows in its order, 未盘点 tagged (first), the 合计 the server's.
    const units = page.locator(byTest('overview-table-unit'))
    const ids = await units.locator('[data-test^="overview-row-"]').evaluateAll((els) => els.map((e) => e.dataset.test.slice('overview-row-'.length)))
    assert.deepEqual(ids, api.items.map((i) => i.unit_id))
    assert.equal(await units.locator(byTest('overview-not-done')).count(), api.not_done)
    const first = units.locator('tr.el-table__row').first()
    assert.equal(await first.locator(byTest('overview-not-done')).innerText(), '未盘点')
    assert.equal(await first.locator(byTest('overview-department')).innerText(), api.items[0].department || '—')
    const centreRow = units.locator('tr.el-table__row', { has: page.locator(byTest('overview-row-' + centreId)) })
    assert.equal(await centreRow.locator(byTest('overview-not-done')).count(), 0)
    assert.deepEqual(await rowTexts(centreRow), expectedTexts(centre, UNIT_FIELDS))
    assert.deepEqual(await totalTexts(page, 'unit'), expectedTexts(t, UNIT_FIELDS))
    assert.match(await page.locator(byTest('overview-total-unit-name')).innerText(), new RegExp(`合计\\s*${t.units} 个单位，未盘点 ${t.not_done} 个`))

    // 按地区: one row per region, the same 合计.
    const regions = page.locator(byTest('overview-table-region'))
    const codes = await regions.locator('[data-test^="overview-region-"]').evaluateAll((els) => els.map((e) => e.dataset.test.slice('overview-region-'.length)))
    assert.deepEqual(codes, api.regions.map((r) => r.region))
    const centreRegion = api.regions.find((r) => r.region === centre.region)
    const regionRow = regions.locator('tr.el-table__row', { has: page.locator(byTest('overview-region-' + centre.region)) })
    assert.deepEqual(await rowTexts(regionRow), expectedTexts(centreRegion, REGION_FIELDS))
    assert.deepEqual(await totalTexts(page, 'region'), expectedTexts(t, REGION_FIELDS))

    await shot(page, 'stocktake-review-overview-top')
    await page.locator(byTest('overview-units')).scrollIntoViewIfNeeded()
    await page.locator(byTest('overview-units')).evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, 'stocktake-review-overview-units')

    // 导出Excel: both sheets' 合计 rows are the server's.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(byTest('overview-export')).click()])
    assert.equal(download.suggestedFilename(), '盘点情况.xlsx')
    const file = path.join(demo.dir, 'overview.xlsx')
    await download.saveAs(file)
    const sheets = await readExcelFile(file)
    assert.deepEqual(sheets.map((s) => s.sheet), ['按单位', '按地区'])
    for (const { sheet, data } of sheets) {
      const header = data.find((r) => r.includes('盘点资产（件）'))
      assert.ok(header, `${sheet}: a header row`)
      const totalRow = data.find((r) => r[0] === '合计')
      assert.ok(totalRow, `${sheet}: a 合计 row`)
      const rows = data.slice(data.indexOf(header) + 1, data.indexOf(totalRow))
      assert.equal(rows.length, sheet === '按单位' ? api.items.length : api.regions.length, `${sheet}: a row each`)
      const cell = (title) => totalRow[header.indexOf(title)]
      for (const [title, field] of XLSX_COLUMNS) {
        assert.ok(header.includes(title), `${sheet}: the column ${title}`)
        if (field === 'found_spare_value_fen') assert.equal(yuan(Math.round(cell(title) * 100)), yuan(t[field]), `${sheet} ${title}: 元 to the cent`)
        else assert.equal(cell(title), t[field], `${sheet} ${title}`)
      }
    }
  })

  test('盘点情况, the clerk of 和平区教育局: only its own row, 未盘点', async () => {
    const other = await apiSession(demo.server.url, OTHER_CLERK.username, OTHER_CLERK.password)
    const api = await other.get(`/stocktakes/overview?year=${YEAR}`)
    const unitId = (await other.get('/me')).user.unit_id
    await other.close()
    assert.deepEqual(api.items.map((i) => i.unit_id), [unitId])
    assert.equal(api.not_done, 1)

    const { page } = desktop
    await as(desktop, OTHER_CLERK)
    await page.locator(byTest('menu-warehouse-stocktakes-overview')).click()
    await page.waitForURL((u) => u.pathname === '/warehouse/stocktakes-overview')
    await settled(page)
    const units = page.locator(byTest('overview-table-unit'))
    await units.locator(byTest('overview-row-' + unitId)).waitFor()
    const ids = await units.locator('[data-test^="overview-row-"]').evaluateAll((els) => els.map((e) => e.dataset.test))
    assert.deepEqual(ids, ['overview-row-' + unitId])
    assert.equal(await units.locator(byTest('overview-unit-name')).innerText(), '和平区教育局')
    assert.equal(await units.locator(byTest('overview-not-done')).innerText(), '未盘点')
    assert.equal(await page.locator(byTest('overview-regions')).count(), 0, 'no 按地区 for one unit')
    assert.equal(await page.locator(byTest('overview-kpi-units-value')).innerText(), '未盘点')
    assert.deepEqual(await totalTexts(page, 'unit'), expectedTexts(api.total, UNIT_FIELDS))
    assert.equal((await page.locator(byTest('overview-to-stocktakes')).innerText()).trim(), '资产盘点')
    await shot(page, 'stocktake-review-overview-clerk')

    // The server failing: said so, with 重试 (not an empty table).
    const failing = '**/api/v1/stocktakes/overview?*'
    await page.route(failing, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: '服务器内部错误' } }) }),
    )
    await page.locator(byTest('overview-refresh')).click()
    const failed = page.locator(byTest('overview-failed'))
    await failed.getByText('未能读取盘点情况').waitFor()
    assert.equal(await page.locator(byTest('overview-table-unit')).count(), 0)
    await page.unroute(failing)
    await failed.getByRole('button', { name: '重试' }).click()
    await units.locator(byTest('overview-row-' + unitId)).waitFor()

    // A year without anything: the same unit, 未盘点, every figure 0.
    await page.locator(byTest('overview-year')).click()
    await page.locator(byTest(`overview-year-${Number(YEAR) - 1}`)).click()
    await page.locator(byTest('overview-meta')).filter({ hasText: `${Number(YEAR) - 1} 年度` }).waitFor()
    assert.equal(await page.locator(byTest('overview-total-unit-cards_checked')).innerText(), '0')
  })
})
