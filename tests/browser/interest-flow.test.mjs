// 调剂意向 end to end on a fresh local node (沈阳市, 210100):
//   set-up (API): unit A (和平区教育局) publishes 3 idle 会议椅 to 公物仓广场; units B (皇姑区卫生健康局)
//   and C (沈河区民政局);
//   admin 系统设置: 调剂意向洽谈期限 14 天;
//   B's clerk: 公物仓广场 → the detail page → 登记调剂意向 (dialog: 联系人/电话 from the unit)
//   → “本单位已登记调剂意向（待处理）”; then C registers one too (API), second in the queue;
//   A's reviewer: 调剂意向 read-only (no buttons);
//   A's clerk: to-do “调剂意向待处理” → 调剂意向 › 收到的意向 (one asset, B first) → 接受意向
//   (confirm) → 洽谈中; C's interest waits (接受 off while the asset is held);
//   B's clerk: 我登记的意向 shows 洽谈中 (至 …); the plaza no longer lists the asset, its detail
//   page says 洽谈中;
//   A's clerk: to-do “资产洽谈中” → 登记调剂结果 from the interest, receiver and quantity
//   pre-filled → the listing is completed, the interest 已调剂, C's 未采纳 (资产已调剂完成);
//   B's clerk: 我登记的意向 shows 已调剂;
//   A's clerk: 资产卡片 — 无偿调拨 of 2 of the 3 chairs split the card: ZC2021005001 (2 把) is
//   已调出 to B, the rest card ZC2021005001-2 (1 把, 闲置, not in the warehouse) stays 在账.
// Screenshots: target/browser-screenshots/interest-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import {
  ADMIN_PASSWORD, apiSession as sharedApiSession, byTest, fill, initNode, inputOf, launchBrowser, login, photoPng,
  shot, startServer, tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const CODE = 'ZC2021005001'
const ASSET = '会议椅'
const UNIT_A = '沈阳市和平区教育局'
const UNIT_B = '沈阳市皇姑区卫生健康局'
const CLERK_A = { username: '210102001001jb', password: 'Heping2025jb' }
const REVIEWER_A = { username: '210102001001', password: 'Heping2025sh' }
const CLERK_B = { username: '210105002001jb', password: 'Huanggu2025jb' }
const UNIT_C = '沈阳市沈河区民政局'
const CLERK_C = { username: '210103003001jb', password: 'Shenhe2025jb' }

let server, browser, dataDir
/** Filled in on the way. */
const ids = { listing: '', interest: '', other: '' }

before(async () => {
  browser = await launchBrowser()
})

after(async () => {
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
})

const apiSession = (username, password, newPassword) => sharedApiSession(server.url, username, password, newPassword)

/** Log in through the form as `user` (any previous session is dropped first). */
async function as(user) {
  const { page } = browser
  await page.context().clearCookies()
  await page.goto(new URL('/login', server.url).href)
  await page.evaluate(() => sessionStorage.clear())
  await login(page, server.url, user.username, user.password)
  await page.waitForURL((u) => u.pathname === '/')
}

async function openMenu(test, path) {
  const { page } = browser
  await page.locator(byTest('menu-' + test)).click()
  await page.waitForURL('**' + path + '*')
}

/** Wait until the loading masks are gone (and a moment for the table to lay out). */
async function settled() {
  const { page } = browser
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
}

async function confirmBox(button) {
  const { page } = browser
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

/** The state tag of the interest under test, once it reads `text`. */
async function interestState(text) {
  const { page } = browser
  const tag = page.locator(byTest('interest-state-' + ids.interest))
  await tag.filter({ hasText: text }).waitFor()
  return page.locator(byTest('interest-status-' + ids.interest)).innerText()
}

describe('local node 沈阳市 (210100): 调剂意向 → 接受 (洽谈中) → 登记调剂结果', () => {
  before(async () => {
    dataDir = await tempDir('gwc-interest-')
    await initNode(dataDir)
    server = await startServer(dataDir)
  })
  after(async () => {
    await server?.stop()
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  test('set-up through the API: unit A publishes 3 idle 会议椅; unit B exists', async () => {
    const admin = await apiSession('admin', ADMIN_PASSWORD)
    await admin.post('/units', {
      budget_code: '001001', name: UNIT_A, region: '210102', department: '教育局',
      unit_type: 'administrative', physical_warehouse: false, contact_name: '王芳', contact_phone: '024-22821903',
    })
    await admin.post('/units', {
      budget_code: '002001', name: UNIT_B, region: '210105', department: '卫生健康局',
      unit_type: 'administrative', physical_warehouse: false, contact_name: '李强', contact_phone: '024-86123456',
    })
    await admin.post('/units', {
      budget_code: '003001', name: UNIT_C, region: '210103', department: '民政局',
      unit_type: 'administrative', physical_warehouse: false, contact_name: '赵敏', contact_phone: '024-24851234',
    })
    await admin.close()
    for (const u of [REVIEWER_A, CLERK_B, CLERK_C]) await (await apiSession(u.username, INITIAL, u.password)).close()

    const clerk = await apiSession(CLERK_A.username, INITIAL, CLERK_A.password)
    const card = await clerk.post('/cards', {
      asset_code: CODE, name: ASSET, category: 'A05010301', spec: '网布靠背，带扶手', brand: '震旦',
      quantity: 3, measure_unit: '把', acquired_on: '2021-06-10', original_value_fen: 96000, net_value_fen: 38400,
      status: 'idle', shared: false, using_department: '办公室',
    })
    for (let i = 0; i < 2; i++) {
      await clerk.upload(`/cards/${card.id}/photos`, { name: `chair-${i}.png`, mimeType: 'image/png', buffer: photoPng(i + 3) })
    }
    const listing = await clerk.post('/listings', {
      card_id: card.id, mode: 'transfer', national: false, scope: 'city', source: 'routine',
      condition: '九成新', description: '会议室改造后闲置的会议椅 3 把。',
      contact_name: '王芳', contact_phone: '024-22821903', submit: true,
    })
    ids.listing = listing.id
    await clerk.close()
    const reviewer = await apiSession(REVIEWER_A.username, REVIEWER_A.password)
    assert.equal((await reviewer.post(`/listings/${listing.id}/review`, { decision: 'approve' })).state, 'published')
    await reviewer.close()
  })

  test('admin 系统设置: 调剂意向洽谈期限 (default 30) set to 14 days', async () => {
    const { page } = browser
    await as({ username: 'admin', password: ADMIN_PASSWORD })
    await openMenu('settings', '/system/settings')
    const days = inputOf(page, 'settings-hold-days')
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '30', `${byTest('settings-hold-days')} input`)
    await days.fill('14')
    await days.press('Tab')
    await page.locator(byTest('settings-save')).click()
    await page.locator('.el-message--success', { hasText: '系统设置已保存' }).waitFor()
    await shot(page, 'interest-00-settings-hold-days')
    const admin = await apiSession('admin', ADMIN_PASSWORD)
    assert.equal((await admin.get('/settings')).hold_days, 14)
    await admin.close()
  })

  test('B: 公物仓广场 → detail → 登记调剂意向 through the dialog', async () => {
    const { page } = browser
    await as(CLERK_B)
    await openMenu('warehouse-plaza', '/warehouse/plaza')
    await page.locator(byTest('plaza-item-' + CODE)).click()
    await page.waitForURL(`**/listings/${ids.listing}`)
    await page.locator(byTest('listing-interest')).click()
    const dialog = page.locator(byTest('interest-dialog'))
    await dialog.locator('.el-form').waitFor()
    // 联系人 / 联系电话 from the unit (the account still has its generated name).
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '024-86123456', `input${byTest('interest-contact-phone')}`)
    assert.equal(await inputOf(page, 'interest-contact-name').inputValue(), '李强')
    // 拟用途 is required: the form says so before anything is sent.
    await page.locator(byTest('interest-submit')).click()
    await dialog.getByText('请填写拟用途').waitFor()
    await fill(page, 'interest-quantity', '2')
    await fill(page, 'interest-purpose', '新设会议室使用')
    await fill(page, 'interest-note', '可自行上门搬运')
    await inputOf(page, 'interest-purpose').click()
    await shot(page, 'interest-01-register-dialog')
    await page.locator(byTest('interest-submit')).click()
    await dialog.waitFor({ state: 'hidden' })
    const mine = page.locator(byTest('listing-my-interest'))
    await mine.waitFor()
    assert.match(await mine.innerText(), /本单位已登记调剂意向（待处理）/)
    assert.equal(await page.locator(byTest('listing-interest')).count(), 0, 'no second registration')
    await shot(page, 'interest-02-detail-registered')

    const api = await apiSession(CLERK_B.username, CLERK_B.password)
    const { registered } = await api.get('/interests')
    await api.close()
    assert.equal(registered.length, 1)
    assert.equal(registered[0].quantity, 2)
    ids.interest = registered[0].id

    // Another unit registers after B: second in A's queue.
    const c = await apiSession(CLERK_C.username, CLERK_C.password)
    const other = await c.post(`/listings/${ids.listing}/interests`, {
      quantity: 3, purpose: '社区服务中心活动室使用', contact_name: '赵敏', contact_phone: '024-24851234',
    })
    await c.close()
    assert.equal(other.queue_position, 2)
    ids.other = other.id
  })

  test('A\'s reviewer: 调剂意向 read-only', async () => {
    const { page } = browser
    await as(REVIEWER_A)
    await openMenu('warehouse-interests', '/warehouse/interests')
    await interestState('待处理')
    assert.equal(await page.locator(byTest('interest-accept-' + ids.interest)).count(), 0, 'no buttons for a reviewer')
  })

  test('A: the to-do → 收到的意向 → 接受意向; the asset is 洽谈中', async () => {
    const { page } = browser
    await as(CLERK_A)
    const todo = page.locator(byTest('todo-interests_open'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /2 条调剂意向待处理/)
    await shot(page, 'interest-03-todo')
    await todo.click()
    await page.waitForURL('**/warehouse/interests?tab=received')
    const status = await interestState('待处理')
    assert.match(status, /排第 1 位/)
    assert.match(await page.locator(byTest('interest-status-' + ids.other)).innerText(), /排第 2 位/)
    const table = page.locator(byTest('interests-received-table'))
    const units = await table.locator('[data-test^="interest-unit-"]').allInnerTexts()
    assert.deepEqual(units, [UNIT_B, UNIT_C], 'oldest first')
    assert.equal(await table.locator('[data-test^="interest-asset-"]').count(), 1, 'one 资产 cell for the asset')
    const row = table.locator('tr.el-table__row', { has: page.locator(byTest('interest-accept-' + ids.interest)) })
    const text = await row.innerText()
    for (const part of [ASSET, CODE, UNIT_B, '新设会议室使用', '李强', '024-86123456']) assert.ok(text.includes(part), `the row shows ${part}: ${text}`)
    await settled()
    await shot(page, 'interest-04-received')

    await page.locator(byTest('interest-accept-' + ids.interest)).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /洽谈中/)
    await shot(page, 'interest-05-accept-confirm')
    await confirmBox('接受意向')
    // The node's 洽谈期限 (14 days from the server's today, UTC).
    const until = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10)
    assert.match(await interestState('洽谈中'), new RegExp(`至 ${until}；达成调剂后请登记调剂结果`))
    await page.locator(byTest('interest-result-' + ids.interest)).waitFor()
    // C waits: the asset is held for B.
    assert.match(await page.locator(byTest('interest-status-' + ids.other)).innerText(), new RegExp(`正与其他单位洽谈中（至 ${until}）`))
    assert.ok(await page.locator(byTest('interest-accept-' + ids.other)).isDisabled(), '接受意向 off while held')
    await page.locator(byTest('interest-asset-held-' + ids.listing)).waitFor()
    await page.locator(byTest('interest-end-' + ids.interest)).waitFor()
    await settled()
    await shot(page, 'interest-06-accepted')
  })

  test('B: 我登记的意向 shows 洽谈中; the plaza no longer lists the asset; its detail says 洽谈中', async () => {
    const { page } = browser
    await as(CLERK_B)
    const todo = page.locator(byTest('todo-interests_accepted'))
    await todo.waitFor()
    await todo.click()
    await page.waitForURL('**/warehouse/interests?tab=registered')
    const status = await interestState('洽谈中')
    assert.match(status, /洽谈中，至 \d{4}-\d{2}-\d{2}，请与资产所属单位联系/)
    assert.match(await page.locator(byTest('interests-registered-table')).innerText(), new RegExp(UNIT_A))
    await page.locator(byTest('interest-withdraw-' + ids.interest)).waitFor()
    await settled()
    await shot(page, 'interest-07-registered-accepted')

    await openMenu('warehouse-plaza', '/warehouse/plaza')
    await page.locator(byTest('plaza-empty')).waitFor()
    assert.equal(await page.locator(byTest('plaza-item-' + CODE)).count(), 0)

    await page.goto(new URL(`/listings/${ids.listing}`, server.url).href)
    const note = page.locator(byTest('listing-hold-note'))
    await note.waitFor()
    assert.match(await note.innerText(), new RegExp(`该资产已与${UNIT_B}达成调剂意向，洽谈中（至 \\d{4}-\\d{2}-\\d{2}）`))
    await page.locator(byTest('listing-hold')).waitFor()
    await shot(page, 'interest-08-detail-held')
  })

  test('A: 登记调剂结果 from the interest, receiver and quantity pre-filled; B sees 已调剂', async () => {
    const { page } = browser
    await as(CLERK_A)
    const todo = page.locator(byTest('todo-listings_reserved'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /1 项资产洽谈中/)
    // The detail page tells the offering unit where to record the result.
    await page.goto(new URL(`/listings/${ids.listing}`, server.url).href)
    const note = page.locator(byTest('listing-hold-note'))
    await note.waitFor()
    assert.match(await note.innerText(), new RegExp(`该资产已与${UNIT_B}达成调剂意向，洽谈中.*登记调剂结果`, 's'))
    await page.locator(byTest('listing-act-result')).waitFor()
    await shot(page, 'interest-09-detail-held-owner')
    await page.locator(byTest('listing-hold-note-link')).click()
    await page.waitForURL('**/warehouse/interests?tab=received')
    await page.locator(byTest('interest-result-' + ids.interest)).click()
    const dialog = page.locator(byTest('listing-result-dialog'))
    await dialog.locator('.el-form').waitFor()
    assert.match(await page.locator(byTest('result-receiver-unit')).innerText(), new RegExp(UNIT_B), 'receiver pre-filled')
    assert.equal(await inputOf(page, 'result-quantity').inputValue(), '2', 'quantity from the interest')
    assert.match(await page.locator(byTest('result-from-interest')).innerText(), /已按调剂意向填写接收方/)
    await shot(page, 'interest-10-result-prefilled')
    await page.locator(byTest('result-submit')).click()
    await dialog.waitFor({ state: 'hidden' })
    await interestState('已调剂')
    assert.match(await page.locator(byTest('interest-status-' + ids.other)).innerText(), /未采纳[\s\S]*资产已调剂完成/)
    await settled()
    await shot(page, 'interest-11-received-completed')

    const api = await apiSession(CLERK_A.username, CLERK_A.password)
    const listing = await api.get(`/listings/${ids.listing}`)
    await api.close()
    assert.equal(listing.state, 'completed')
    assert.equal(listing.result.receiver_name, UNIT_B)
    assert.equal(listing.result.quantity, 2)

    await as(CLERK_B)
    await openMenu('warehouse-interests', '/warehouse/interests')
    await interestState('已调剂')
    assert.equal(await page.locator(byTest('interest-withdraw-' + ids.interest)).count(), 0, 'nothing to withdraw')
    await settled()
    await shot(page, 'interest-12-registered-completed')
  })

  test('A: 资产卡片 — the 2 chairs handed over are 已调出, the rest card -2 (1 把) stays in the ledger', async () => {
    const { page } = browser
    const REST = CODE + '-2'
    await as(CLERK_A)
    await openMenu('cards', '/cards')
    const row = (code) =>
      page.locator(byTest('cards-table')).locator('tr.el-table__row', { has: page.locator(byTest('cards-row-' + code)) })
    await row(REST).waitFor()
    assert.equal(await page.locator(byTest('cards-row-' + CODE)).count(), 0, 'the part handed over left 在账资产')
    const rest = await row(REST).innerText()
    assert.match(rest, /会议椅[\s\S]*1 把/, rest)
    assert.match(rest, /闲置/, rest)
    assert.match(rest, /320\.00[\s\S]*128\.00/, 'a third of 原值 ¥960.00 and 净值 ¥384.00')
    await settled()
    await shot(page, 'interest-13-cards-rest')

    await page.locator(byTest('cards-ledger')).getByRole('tab', { name: '已调出' }).click()
    await row(CODE).waitFor()
    const out = row(CODE)
    assert.match(await out.innerText(), /2 把[\s\S]*640\.00[\s\S]*256\.00/)
    assert.match(await out.locator(byTest('card-transferred-to')).innerText(), new RegExp(UNIT_B))
    assert.equal(await page.locator(byTest('cards-row-' + REST)).count(), 0, 'the rest was not handed over')
    await settled()
    await shot(page, 'interest-14-cards-transferred')

    const api = await apiSession(CLERK_A.username, CLERK_A.password)
    const { items } = await api.get('/cards?q=' + encodeURIComponent(CODE))
    const { items: gone } = await api.get('/cards?transferred=true&q=' + encodeURIComponent(CODE))
    await api.close()
    const restCard = items.find((c) => c.asset_code === REST)
    assert.ok(restCard, JSON.stringify(items))
    assert.deepEqual(
      [restCard.quantity, restCard.status, restCard.active_listing_id ?? null, restCard.transferred_to ?? null],
      [1, 'idle', null, null],
      'the rest: 1 把, idle, not in the warehouse, not handed over',
    )
    const handed = gone.find((c) => c.asset_code === CODE)
    assert.equal(handed?.quantity, 2, JSON.stringify(gone))
    assert.match(handed.transferred_to, new RegExp(UNIT_B))
    assert.equal(handed.transferred_listing_id, ids.listing)
  })
})
