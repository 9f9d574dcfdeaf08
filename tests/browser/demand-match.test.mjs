// 需求发布 and matching, 关于 and 系统设置, on a fresh local node (沈阳市, 210100):
//   set-up (API): two units; the supplier's clerk offers an idle 黑白激光打印机
//   (A02021003) and its reviewer approves it (公物仓广场);
//   the supplier sees 可满足的需求 empty and 关于 without contacts;
//   the other unit's clerk posts the demand "A4黑白打印机" through 需求发布 (with
//   指标要求) → its reviewer publishes it from the to-do (调整调剂共享范围 → 发布)
//   → the clerk's to-do says "有新的匹配资产" → 我的需求 shows “有新匹配” →
//   匹配资产 lists the printer (新, 资产分类相同, 同一地市) → the to-do item is gone;
//   the supplier's 我的信息 (tab badge from /mine, 模式/范围 on one line) → the
//   listing's detail lists the demand under 可满足的需求;
//   admin 系统设置: a bad phone is refused with the server's message, then the
//   contacts and a period are saved → 关于 shows them, so do the login page's
//   关于本系统, 页面不存在 and the message of a server error (HTTP 500).
// Then the demo node (`gongwucang demo`): the reminders of listings and demands
// published long ago (长期未调剂共享, 发布已久，请及时清理) on the to-do and the pages.
// Screenshots: target/browser-screenshots/match-*.png and demo-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  ADMIN_PASSWORD, apiSession as sharedApiSession, byTest, fill, initNode, inputOf, launchBrowser, login, photoPng,
  serverBin, shot, startServer, tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const PRINTER = 'ZC2022003001'
const ADMIN = { username: 'admin', password: ADMIN_PASSWORD }
const SUPPLIER_CLERK = { username: '210102001001jb', password: 'Heping2025jb' }
const SUPPLIER_REVIEWER = { username: '210102001001', password: 'Heping2025sh' }
const DEMAND_CLERK = { username: '210105002001jb', password: 'Huanggu2025jb' }
const DEMAND_REVIEWER = { username: '210105002001', password: 'Huanggu2025sh' }
const BUSINESS = { name: '沈阳市财政局资产管理处', phone: '024-22821903' }
const TECHNICAL = { name: '久其软件技术人员', phone: '024-82859510' }

let server, browser
/** Filled in on the way: the printer's listing and the demand. */
const ids = { listing: '', demand: '' }

before(async () => {
  browser = await launchBrowser()
})

after(async () => {
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
})

/** A fresh node for a describe block: init, serve; stopped and removed afterwards. */
function nodeLifecycle(prefix, init) {
  let dataDir
  before(async () => {
    dataDir = await tempDir(prefix)
    await init(dataDir)
    server = await startServer(dataDir)
  })
  after(async () => {
    await server?.stop()
    await fs.rm(dataDir, { recursive: true, force: true })
  })
}

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

/** YYYY-MM-DD, `days` from today. */
function dayFromNow(days) {
  const d = new Date(Date.now() + days * 86_400_000)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** Whether `locator` (a tag and a word) fits on one line: one small tag is 24 px high. */
async function oneLine(locator) {
  return (await locator.evaluate((e) => e.getBoundingClientRect().height)) < 30
}

describe('local node 沈阳市 (210100): 需求发布, 匹配资产, 可满足的需求, 系统设置, 关于', () => {
  nodeLifecycle('gwc-match-', initNode)

  test('set-up through the API: two units; the supplier publishes an idle printer to 公物仓广场', async () => {
    const admin = await apiSession(ADMIN.username, ADMIN.password)
    await admin.post('/units', {
      budget_code: '001001', name: '沈阳市和平区教育局', region: '210102', department: '教育局',
      unit_type: 'administrative', physical_warehouse: false, contact_name: '王芳', contact_phone: '024-22821903',
    })
    await admin.post('/units', {
      budget_code: '002001', name: '沈阳市皇姑区卫生健康局', region: '210105', department: '卫生健康局',
      unit_type: 'administrative', physical_warehouse: false, contact_name: '李强', contact_phone: '024-86123456',
    })
    await admin.close()
    for (const u of [SUPPLIER_REVIEWER, DEMAND_CLERK, DEMAND_REVIEWER]) await (await apiSession(u.username, INITIAL, u.password)).close()

    const clerk = await apiSession(SUPPLIER_CLERK.username, INITIAL, SUPPLIER_CLERK.password)
    const card = await clerk.post('/cards', {
      asset_code: PRINTER, name: '黑白激光打印机', category: 'A02021003', spec: 'LaserJet Pro M404dn', brand: '惠普',
      quantity: 2, measure_unit: '台', acquired_on: '2022-03-15', original_value_fen: 227000, net_value_fen: 104042,
      status: 'idle', shared: false, using_department: '办公室',
    })
    for (let i = 0; i < 2; i++) {
      await clerk.upload(`/cards/${card.id}/photos`, { name: `printer-${i}.png`, mimeType: 'image/png', buffer: photoPng(i + 1) })
    }
    const listing = await clerk.post('/listings', {
      card_id: card.id, mode: 'transfer', national: false, scope: 'city', source: 'routine',
      condition: '八成新，打印正常', description: '惠普黑白激光打印机，A4，双面打印，办公室调整后闲置。',
      contact_name: '王芳', contact_phone: '024-22821903', submit: true,
    })
    ids.listing = listing.id
    await clerk.close()

    const reviewer = await apiSession(SUPPLIER_REVIEWER.username, SUPPLIER_REVIEWER.password)
    const approved = await reviewer.post(`/listings/${listing.id}/review`, { decision: 'approve' })
    assert.equal(approved.state, 'published')
    await reviewer.close()
  })

  test('supplier: no demand yet under 可满足的需求; 关于 says the contacts are not set yet', async () => {
    const { page } = browser
    await as(SUPPLIER_CLERK)
    await page.goto(new URL(`/listings/${ids.listing}`, server.url).href)
    await page.locator(byTest('listing-demands-table')).getByText('暂无与该资产匹配的需求').waitFor()
    await settled()
    await page.locator(byTest('listing-demands')).scrollIntoViewIfNeeded()
    await shot(page, 'match-01-detail-no-demands')

    await openMenu('about', '/about')
    await page.locator(byTest('about-node-name')).filter({ hasText: '沈阳市公物仓' }).waitFor()
    assert.match(await page.locator(byTest('about-contacts-business')).innerText(), /尚未设置/)
    assert.match(await page.locator(byTest('about-contacts-technical')).innerText(), /尚未设置/)
    await shot(page, 'match-02-about-unset')
  })

  test('demanding clerk: 需求发布 "A4黑白打印机" with 指标要求 through the form', async () => {
    const { page } = browser
    await as(DEMAND_CLERK)
    await openMenu('platform-demands', '/platform/demands')
    await page.locator(byTest('demands-new')).click()
    const dialog = page.locator(byTest('demand-form-dialog'))
    await dialog.locator('.el-form').waitFor()
    await fill(page, 'demand-category-search', 'A4黑白')
    await page.locator(byTest('demand-category-option-A02021003')).click()
    await fill(page, 'demand-name', 'A4黑白打印机')
    await fill(page, 'demand-quantity', '2')
    await fill(page, 'demand-budget', '2000')
    await fill(page, 'demand-indicator-key-0', '打印速度')
    await fill(page, 'demand-indicator-value-0', '≥ 30 页/分钟')
    await page.locator(byTest('demand-indicator-add')).click()
    await fill(page, 'demand-indicator-key-1', '双面打印')
    await fill(page, 'demand-indicator-value-1', '支持自动双面')
    const date = inputOf(page, 'demand-expected-on')
    await date.fill(dayFromNow(60))
    await date.press('Enter')
    // 联系人 / 联系电话 come from the unit, as in the 入仓申请 form.
    await page.waitForFunction(
      ([sel, name]) => document.querySelector(sel)?.value === name,
      [`input${byTest('demand-contact-name')}`, '李强'],
    )
    assert.equal(await inputOf(page, 'demand-contact-phone').inputValue(), '024-86123456')
    await page.locator(byTest('demand-scope-city')).click()
    await shot(page, 'match-03-demand-form')
    await page.locator(byTest('demand-submit')).click()
    await dialog.waitFor({ state: 'hidden' })

    // After 提交 the page shows 待审核 by itself.
    await page.locator(byTest('demands-tabs')).locator('.el-tabs__item.is-active', { hasText: '待审核' }).waitFor()
    const row = page.locator(byTest('demands-table')).locator('tr.el-table__row', { hasText: 'A4黑白打印机' })
    await row.waitFor()
    assert.match(await row.innerText(), /打印速度/)
    assert.match(await page.locator(byTest('demands-tab-pending_review')).innerText(), /1/, 'badge from /mine')
    await settled()
    await shot(page, 'match-04-demand-pending')
    const api = await apiSession(DEMAND_CLERK.username, DEMAND_CLERK.password)
    ids.demand = (await api.get('/demands?state=pending_review')).items[0].id
    await api.close()
  })

  test('its reviewer publishes the demand from the to-do (调整调剂共享范围 → 发布)', async () => {
    const { page } = browser
    await as(DEMAND_REVIEWER)
    const todo = page.locator(byTest('todo-demand_reviews'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /1 条需求待审核发布/)
    await shot(page, 'match-05-reviewer-todo')
    await todo.click()
    await page.waitForURL('**/platform/demands?state=pending_review')
    await page.locator(byTest('demand-act-review-' + ids.demand)).click()
    const dialog = page.locator(byTest('demand-review-dialog'))
    await dialog.waitFor()
    await page.locator(byTest('demand-review-scope-city')).click()
    await shot(page, 'match-06-review-dialog')
    await page.locator(byTest('demand-review-submit')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator(byTest('demands-table')).getByText('暂无待审核的需求').waitFor()
  })

  test('demanding clerk: to-do "有新的匹配资产" → 匹配资产 shows the printer and why; the to-do item is gone', async () => {
    const { page } = browser
    await as(DEMAND_CLERK)
    const todo = page.locator(byTest('todo-new_matches'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /1 条需求有新的匹配资产/)
    await shot(page, 'match-07-clerk-todo')
    await todo.click()
    await page.waitForURL('**/platform/demands?state=published')
    await page.locator(byTest('demand-new-matches-' + ids.demand)).waitFor()
    await settled()
    await shot(page, 'match-08-demand-new-matches')

    const seen = page.waitForResponse((r) => r.url().endsWith(`/demands/${ids.demand}/matches/seen`) && r.request().method() === 'POST')
    await page.locator(byTest('demand-matches-' + ids.demand)).click()
    const drawer = page.locator(byTest('demand-detail'))
    const match = drawer.locator(byTest('demand-matches-table')).locator('tr.el-table__row', { hasText: '黑白激光打印机' })
    await match.waitFor()
    const text = await match.innerText()
    for (const reason of ['资产分类相同', '同一地市', '沈阳市和平区教育局']) assert.ok(text.includes(reason), `the match shows ${reason}: ${text}`)
    await drawer.locator(byTest('demand-matches-new-' + ids.listing)).waitFor()
    assert.equal((await seen).status(), 204, 'the clerk has looked at the matches')
    await settled()
    await shot(page, 'match-09-matches')

    // Closing the drawer: the “有新匹配” flag is gone, and so is the to-do item.
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })
    assert.equal(await page.locator(byTest('demand-new-matches-' + ids.demand)).count(), 0)
    await openMenu('home', '/')
    await page.locator(byTest('home-empty')).waitFor()
    assert.equal(await page.locator(byTest('todo-new_matches')).count(), 0)
    await shot(page, 'match-10-clerk-todo-done')
  })

  test('supplier: 我的信息 (badge, 模式/范围 on one line) → detail lists the demand under 可满足的需求', async () => {
    const { page } = browser
    await as(SUPPLIER_CLERK)
    await openMenu('warehouse-mine', '/warehouse/mine')
    const row = page.locator(byTest('mine-table')).locator('tr.el-table__row', { has: page.locator(byTest('listing-row-' + PRINTER)) })
    await row.waitFor()
    // The badge comes from /mine, which may answer after the table's own request.
    await page.locator(byTest('mine-tab-in')).filter({ hasText: /已入仓资产\s*1/ }).waitFor()
    assert.ok(await oneLine(row.locator('.mode-line')), '“调剂 本地市” stays on one line at 1366 px')
    assert.equal(await row.locator('[data-test^="listing-stale-"]').count(), 0, 'just published: not stale')
    await settled()
    await shot(page, 'match-11-supplier-mine')

    await row.locator(byTest('listing-row-' + PRINTER)).click()
    await page.waitForURL(`**/listings/${ids.listing}`)
    const demand = page.locator(byTest('listing-demands-table')).locator('tr.el-table__row', { has: page.locator(byTest('listing-demand-' + ids.demand)) })
    await demand.waitFor()
    const text = await demand.innerText()
    for (const part of ['A4黑白打印机', '沈阳市皇姑区卫生健康局', '打印速度', '2,000.00', '李强', '024-86123456', '资产分类相同', '同一地市']) {
      assert.ok(text.includes(part), `the demand row shows ${part}: ${text}`)
    }
    await settled()
    await page.locator(byTest('listing-demands')).scrollIntoViewIfNeeded()
    await shot(page, 'match-12-detail-demands')
  })

  test('admin 系统设置: a bad phone is refused with the server\'s message; the contacts are saved', async () => {
    const { page } = browser
    await as(ADMIN)
    assert.equal(await page.locator(byTest('menu-about')).count(), 1, '关于 for the admin too')
    await page.locator(byTest('menu-group-system')).locator(byTest('menu-settings')).waitFor()
    await openMenu('settings', '/system/settings')
    await inputOf(page, 'settings-business-name').waitFor()
    await settled()
    assert.equal(await inputOf(page, 'settings-stale-listing-days').inputValue(), '180')
    await fill(page, 'settings-business-name', BUSINESS.name)
    await fill(page, 'settings-business-phone', BUSINESS.phone)
    await fill(page, 'settings-technical-name', TECHNICAL.name)
    await fill(page, 'settings-technical-phone', '技术支持电话')
    await page.locator(byTest('settings-save')).click()
    const error = page.locator(byTest('settings-error'))
    await error.waitFor()
    assert.match(await error.innerText(), /技术问题联系电话.*只能包含数字/)
    await shot(page, 'match-13-settings-error')

    await fill(page, 'settings-technical-phone', TECHNICAL.phone)
    const days = inputOf(page, 'settings-stale-listing-days')
    await days.fill('365')
    await days.press('Tab')
    await page.locator(byTest('settings-save')).click()
    await page.locator('.el-message--success', { hasText: '系统设置已保存' }).waitFor()
    await error.waitFor({ state: 'hidden' })
    await shot(page, 'match-14-settings-saved')
    const admin = await apiSession(ADMIN.username, ADMIN.password)
    const saved = await admin.get('/settings')
    await admin.close()
    assert.deepEqual(saved, { business_contact: BUSINESS, technical_contact: TECHNICAL, stale_listing_days: 365, stale_demand_days: 90, hold_days: 30, listing_deadline: '2025-06-30', backup_keep: 14 })

    await openMenu('about', '/about')
    const business = page.locator(byTest('about-contacts-business'))
    await business.filter({ hasText: BUSINESS.name }).waitFor()
    assert.match(await business.innerText(), /业务问题：沈阳市财政局资产管理处，联系电话：024-22821903/)
    assert.match(await page.locator(byTest('about-contacts-technical')).innerText(), /技术问题：久其软件技术人员，联系电话：024-82859510/)
    assert.match(await page.locator(byTest('about-fingerprint')).innerText(), /^[0-9A-F]{4}( [0-9A-F]{4})+$/)
    assert.match(await page.locator(byTest('about-version')).innerText(), /^\d+\.\d+\.\d+/)
    // The commit and build date --version prints, and the platform in words.
    assert.match(await page.locator(byTest('about-build')).innerText(), /构建：([0-9a-f]{12}|unknown)｜构建日期：\d{4}-\d{2}-\d{2}｜运行平台：Linux（x86_64）/)
    await shot(page, 'match-15-about')
  })

  test('anonymous: the login page\'s 关于本系统 and 页面不存在 show the contacts', async () => {
    const { page } = browser
    await page.context().clearCookies()
    await page.goto(new URL('/login', server.url).href)
    await page.evaluate(() => sessionStorage.clear())
    await page.reload()
    await page.locator(byTest('login-about')).waitFor()
    await shot(page, 'match-16-login')
    await page.locator(byTest('login-about')).click()
    await page.waitForURL('**/login/about')
    await page.locator(byTest('about-contacts-business')).filter({ hasText: BUSINESS.phone }).waitFor()
    assert.match(await page.locator(byTest('about-contacts-technical')).innerText(), /024-82859510/)
    await shot(page, 'match-17-about-public')
    await page.locator(byTest('about-back')).click()
    await page.waitForURL('**/login')

    // /about without a session opens the public 关于 instead of the login form.
    await page.goto(new URL('/about', server.url).href)
    await page.waitForURL('**/login/about')

    await page.goto(new URL('/no/such/page', server.url).href)
    await page.locator(byTest('not-found-contacts-technical')).filter({ hasText: TECHNICAL.phone }).waitFor()
    await shot(page, 'match-18-not-found')
  })

  test('a server error (HTTP 500) names the support contacts', async () => {
    const { page } = browser
    await as(DEMAND_CLERK)
    await page.locator(byTest('home-empty')).waitFor()
    await page.route('**/api/v1/todo', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } }) }),
    )
    try {
      await page.locator(byTest('home-refresh')).click()
      const message = page.locator(byTest('server-error'))
      await message.waitFor()
      const text = await message.innerText()
      assert.match(text, /服务器内部错误/)
      assert.match(text, /业务问题请联系沈阳市财政局资产管理处，联系电话：024-22821903/)
      assert.match(text, /技术问题请联系久其软件技术人员，联系电话：024-82859510/)
      await page.locator(byTest('home-failed')).waitFor()
      assert.equal(await page.locator(byTest('home-empty')).count(), 0, 'a failure is not "暂无待办事项"')
      await shot(page, 'match-19-server-error')
    } finally {
      await page.unroute('**/api/v1/todo')
    }
  })
})

/** `gongwucang demo`: the demo node (沈阳市), with listings and a demand published long ago. */
async function demoNode(dataDir) {
  await promisify(execFile)(serverBin, ['demo', '--data', dataDir])
}

describe('demo node: reminders for listings and demands published long ago', () => {
  nodeLifecycle('gwc-match-demo-', demoNode)

  test('沈阳市公物仓管理中心: to-do 长期未调剂共享 → 我的信息 marks those listings', async () => {
    const { page } = browser
    const user = { username: '210100004002jb', password: 'Zhongxin2025jb' }
    await (await apiSession(user.username, INITIAL, user.password)).close()
    await as(user)
    const todo = page.locator(byTest('todo-stale_listings'))
    await todo.waitFor()
    const [, stale] = /(\d+) 项资产长期未调剂共享，请选择延期、扩大范围或退仓/.exec(await todo.innerText()) ?? []
    assert.ok(Number(stale) > 0, 'the to-do counts the stale listings')
    await shot(page, 'demo-01-todo-stale-listings')
    // The to-do opens 长期未调剂资产 (lifecycle.test.mjs); 我的信息 marks them too.
    await todo.click()
    await page.waitForURL('**/warehouse/stale')
    await page.goto(new URL('/warehouse/mine?tab=in&stale=1', server.url).href)
    await page.locator(byTest('mine-to-stale')).waitFor()
    const table = page.locator(byTest('mine-table'))
    await table.locator('[data-test^="listing-stale-"]').first().waitFor()
    await settled()
    assert.equal(await table.locator('[data-test^="listing-stale-"]').count(), Number(stale), 'the stale ones')
    assert.equal(await table.locator('tr.el-table__row').count(), Number(stale), 'only them (只看长期未调剂共享)')
    for (const cell of await table.locator('.mode-line').all()) assert.ok(await oneLine(cell), '模式/范围 on one line')
    await shot(page, 'demo-02-mine-stale')
  })

  test('皇姑区第二小学: 我的需求 marks the old demand (发布已久) that has new matches', async () => {
    const { page } = browser
    const user = { username: '210105002002jb', password: 'Xiaoxue2025jb' }
    await (await apiSession(user.username, INITIAL, user.password)).close()
    await as(user)
    await page.locator(byTest('todo-stale_demands')).waitFor()
    await page.locator(byTest('todo-new_matches')).waitFor()
    await shot(page, 'demo-03-todo-demands')
    await page.locator(byTest('todo-stale_demands')).click()
    await page.waitForURL('**/platform/demands?state=published')
    const row = page.locator(byTest('demands-table')).locator('tr.el-table__row', { hasText: '台式计算机' })
    await row.waitFor()
    await row.locator('[data-test^="demand-stale-"]').waitFor()
    assert.match(await row.innerText(), /发布已久，请及时清理/)
    assert.match(await row.innerText(), /有新匹配/)
    await settled()
    await shot(page, 'demo-04-demands-stale')
    await row.locator('[data-test^="demand-matches-"]').click()
    await page.locator(byTest('demand-matches-table')).locator('tr.el-table__row').first().waitFor()
    await settled()
    await shot(page, 'demo-05-demand-matches')
  })
})
