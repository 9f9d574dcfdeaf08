// 长期未调剂共享资产清理, 资产调剂交接单 and QR codes, on the demo node (`gongwucang demo`, 沈阳市):
//   沈阳市公物仓管理中心 (the physical warehouse) published 3 listings 200 days ago;
//   its clerk: to-do “3 项资产长期未调剂共享” → 长期未调剂资产 → ticks the two local ones →
//   扩大范围 (only scopes wider than both are offered) → 本地市 → “已提交 2 项扩大范围申请”;
//   延期 of the remaining one (a row's button) → the list is empty;
//   its reviewer: the detail page says 已申请扩大调剂共享范围 → to-do “2 条扩大调剂共享范围申请待审批”
//   → 扩大范围审批: 同意 one, 不同意 the other (reason) → the API: the first is 本地市 and not stale,
//   the second keeps its scope, carries the reason and is stale again (back on the clerk's list);
//   入仓申请 with 开放期限 → the listing carries open_until;
//   a result recorded through the API (interest → accept → result, part of the quantity) →
//   打印交接单 from the detail page (both units, asset, quantity, values; screen and print media;
//   one A4 page as PDF) → the receiver's clerk opens it too → a third unit's clerk gets the
//   server's refusal; 我的信息 › 已完成调剂 offers 打印交接单;
//   the detail page's QR code (扫码查看此资产) and the printable 资产标签.
// Screenshots: target/browser-screenshots/lifecycle-*.png, handover-*.png, label-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  apiSession as sharedApiSession, byTest, fill, inputOf, launchBrowser, login, screenshotDir, serverBin, shot, startServer,
  tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const WAREHOUSE = '沈阳市公物仓管理中心'
const CLERK = { username: '210100004002jb', password: 'Zhongxin2025jb' }
const REVIEWER = { username: '210100004002', password: 'Zhongxin2025sh' }
const RECEIVER = '沈阳市第三中学'
const RECEIVER_CLERK = { username: '210100002002jb', password: 'Sanzhong2025jb' }
const OTHER = '沈阳市教育局'
const OTHER_CLERK = { username: '210100002001jb', password: 'Jiaoyu2025jb' }

let server, browser, dataDir
/** Filled in on the way. */
const ids = { widened: null, refused: null, extended: null, handover: null }

before(async () => {
  browser = await launchBrowser()
  dataDir = await tempDir('gwc-lifecycle-')
  await promisify(execFile)(serverBin, ['demo', '--data', dataDir])
  server = await startServer(dataDir)
  for (const u of [CLERK, REVIEWER, RECEIVER_CLERK, OTHER_CLERK]) await (await apiSession(u.username, INITIAL, u.password)).close()
})

after(async () => {
  await server?.stop()
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true })
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
})

const apiSession = (username, password, newPassword) => sharedApiSession(server.url, username, password, newPassword)

/** GET `path` as `user` through a short API session. */
async function apiGet(user, p) {
  const api = await apiSession(user.username, user.password)
  try {
    return await api.get(p)
  } finally {
    await api.close()
  }
}

/** Log in through the form as `user` (any previous session is dropped first). */
async function as(user) {
  const { page } = browser
  await page.context().clearCookies()
  await page.goto(new URL('/login', server.url).href)
  await page.evaluate(() => sessionStorage.clear())
  await login(page, server.url, user.username, user.password)
  await page.waitForURL((u) => u.pathname === '/')
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

async function success(text) {
  const { page } = browser
  await page.locator('.el-message--success', { hasText: text }).waitFor()
}

/** A full-page screenshot (the printable pages are taller than the window). */
async function fullShot(page, name) {
  await fs.mkdir(screenshotDir, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

const code = (l) => l.card.asset_code
const tableRow = (table, text) => browser.page.locator(byTest(table)).locator('tr.el-table__row', { hasText: text })

describe('长期未调剂共享资产清理: 延期 / 扩大范围 → 审核岗', () => {
  test('the warehouse clerk: to-do → 长期未调剂资产 → 扩大范围 for two, 延期 for one', async () => {
    const { page } = browser
    const stale = (await apiGet(CLERK, '/listings?stale=true&page_size=200')).items
    assert.equal(stale.length, 3, 'the demo publishes 3 listings 200 days ago')
    const local = stale.filter((l) => l.actions.includes('widen'))
    const platform = stale.filter((l) => !l.actions.includes('widen'))
    assert.ok(local.length >= 2, 'two of them are local (not on the national platform)')
    ;[ids.widened, ids.refused] = local.slice(0, 2)
    ids.extended = platform[0] ?? local[2]

    await as(CLERK)
    const todo = page.locator(byTest('todo-stale_listings'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /3 项资产长期未调剂共享，请选择延期、扩大范围或退仓/)
    await todo.click()
    await page.waitForURL('**/warehouse/stale')
    await page.locator(byTest('menu-warehouse-stale')).waitFor()
    await page.locator(byTest('stale-notice')).filter({ hasText: '长期未调剂共享的资产应及时予以清理' }).waitFor()
    const table = page.locator(byTest('stale-table'))
    await table.locator(byTest('stale-row-' + code(ids.widened))).waitFor()
    await settled()
    assert.equal(await table.locator('tr.el-table__row').count(), 3)
    const first = await tableRow('stale-table', code(ids.widened)).innerText()
    assert.ok(first.includes(ids.widened.due_on), `到期日 shown: ${first}`)
    assert.ok(first.includes(ids.widened.published_at.slice(0, 10)), `入仓日期 shown: ${first}`)
    // Nothing ticked yet: the bulk buttons are off.
    for (const b of ['extend', 'widen', 'exit']) assert.ok(await page.locator(byTest('stale-bulk-' + b)).isDisabled(), `${b} off`)
    await shot(page, 'lifecycle-01-stale-list')

    for (const l of [ids.widened, ids.refused]) await tableRow('stale-table', code(l)).locator('.el-checkbox').click()
    await page.locator(byTest('stale-selected')).filter({ hasText: '已选择 2 项' }).waitFor()
    await page.locator(byTest('stale-bulk-widen')).click()
    const dialog = page.locator(byTest('lifecycle-dialog'))
    await dialog.locator('.el-form').waitFor()
    // Only scopes wider than every ticked listing's.
    const order = ['department', 'county', 'city', 'province', 'national']
    const widest = Math.max(...[ids.widened, ids.refused].map((l) => order.indexOf(l.scope)))
    for (const s of ['county', 'city', 'province', 'national']) {
      const offered = (await page.locator(byTest('lifecycle-scope-' + s)).count()) > 0
      const narrowsDepartment = s === 'county' && [ids.widened, ids.refused].some((l) => l.scope === 'department')
      assert.equal(offered, order.indexOf(s) > widest && !narrowsDepartment, `${s} offered only when wider than ${order[widest]}`)
    }
    assert.ok(await page.locator(byTest('lifecycle-submit')).isDisabled(), 'a scope must be chosen')
    const target = order.indexOf('city') > widest ? 'city' : 'national'
    await page.locator(byTest('lifecycle-scope-' + target)).click()
    assert.match(await dialog.innerText(), /审核岗同意后再报资产管理行政主管部门审核/)
    await shot(page, 'lifecycle-02-widen-dialog')
    await page.locator(byTest('lifecycle-submit')).click()
    await success('已提交 2 项扩大范围申请，待审核岗审批')
    await dialog.waitFor({ state: 'hidden' })
    await table.locator(byTest('stale-row-' + code(ids.widened))).waitFor({ state: 'detached' })
    await settled()
    assert.equal(await table.locator('tr.el-table__row').count(), 1, 'the two wait for the reviewer')
    await shot(page, 'lifecycle-03-widen-done')

    // 延期 of one row: its own button (a bulk of one), default today + 90 days.
    await page.locator(byTest('stale-extend-' + code(ids.extended))).click()
    await dialog.locator('.el-form').waitFor()
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
    assert.equal(await dialog.locator(`${byTest('lifecycle-until')} input`).inputValue(), until)
    await shot(page, 'lifecycle-04-extend-dialog')
    await page.locator(byTest('lifecycle-submit')).click()
    await success('已延期 1 项')
    await page.locator(byTest('stale-empty')).filter({ hasText: '没有长期未调剂共享的资产' }).waitFor()
    await shot(page, 'lifecycle-05-stale-empty')
    const extended = await apiGet(CLERK, `/listings/${ids.extended.id}`)
    assert.equal(extended.open_until, until)
    assert.equal(extended.stale, false)
    ids.target = target
  })

  test('the reviewer: the detail page, the to-do → 扩大范围审批: 同意 one, 不同意 the other', async () => {
    const { page } = browser
    await as(REVIEWER)
    // The detail page says what is asked, with the reviewer's buttons.
    await page.goto(new URL(`/listings/${ids.widened.id}`, server.url).href)
    const note = page.locator(byTest('listing-scope-change-note'))
    await note.waitFor()
    assert.match(await note.innerText(), /已申请扩大调剂共享范围至.+，待审核岗审批/)
    await page.locator(byTest('listing-act-approve')).filter({ hasText: '同意扩大范围' }).waitFor()
    await shot(page, 'lifecycle-06-detail-scope-change')

    await page.goto(new URL('/', server.url).href)
    const todo = page.locator(byTest('todo-widen_reviews'))
    await todo.waitFor()
    assert.match(await todo.innerText(), /2 条扩大调剂共享范围申请待审批/)
    await todo.click()
    await page.waitForURL('**/approvals/widen')
    await page.locator(byTest('menu-approvals-widen')).waitFor()
    const table = page.locator(byTest('approvals-table-widen'))
    await table.locator(byTest('listing-scope-change-' + code(ids.widened))).waitFor()
    await settled()
    assert.equal(await table.locator('tr.el-table__row').count(), 2)
    assert.match(await tableRow('approvals-table-widen', code(ids.refused)).innerText(), /→/)
    await shot(page, 'lifecycle-07-approvals-widen')

    await tableRow('approvals-table-widen', code(ids.widened)).locator(byTest('listing-act-approve')).click()
    await confirmBox('同意')
    await success('已同意扩大范围')
    await table.locator(byTest('listing-scope-change-' + code(ids.widened))).waitFor({ state: 'detached' })

    await tableRow('approvals-table-widen', code(ids.refused)).locator(byTest('listing-act-reject')).click()
    const reason = page.locator(byTest('listing-reason-dialog'))
    await reason.locator('.el-form').waitFor()
    assert.match(await reason.innerText(), /扩大范围审批：不同意/)
    await fill(page, 'listing-reason', '该资产为实体公物仓周转资产，暂不扩大范围')
    await shot(page, 'lifecycle-08-widen-reject')
    await page.locator(byTest('listing-reason-submit')).click()
    await success('已退回单位经办岗')
    await page.locator(byTest('approvals-table-widen-empty')).filter({ hasText: '没有待审批的扩大范围申请' }).waitFor()

    const widened = await apiGet(CLERK, `/listings/${ids.widened.id}`)
    assert.equal(widened.scope, ids.target)
    assert.equal(widened.scope_change, null)
    assert.equal(widened.stale, false, 'a new offer period')
    const refused = await apiGet(CLERK, `/listings/${ids.refused.id}`)
    assert.equal(refused.scope, ids.refused.scope, 'scope unchanged')
    assert.equal(refused.scope_change, null)
    assert.equal(refused.reason, '该资产为实体公物仓周转资产，暂不扩大范围')
    assert.equal(refused.stale, true, 'still to be cleaned up')
  })

  test('the clerk: the refused one is back on the list with the reason; its detail page offers the choices', async () => {
    const { page } = browser
    await as(CLERK)
    await page.locator(byTest('menu-warehouse-stale')).click()
    await page.waitForURL('**/warehouse/stale')
    const reason = page.locator(byTest('stale-reason-' + code(ids.refused)))
    await reason.waitFor()
    assert.match(await reason.innerText(), /暂不扩大范围/)
    await settled()
    await shot(page, 'lifecycle-09-stale-refused')

    await page.goto(new URL(`/listings/${ids.refused.id}`, server.url).href)
    const note = page.locator(byTest('listing-stale-note'))
    await note.waitFor()
    assert.match(await note.innerText(), /长期未调剂共享的资产应及时予以清理/)
    for (const b of ['extend', 'widen', 'exit']) await note.locator(byTest('listing-act-' + b)).waitFor()
    await page.locator(byTest('listing-stale')).waitFor()
    assert.equal(await page.locator(byTest('listing-due-on')).innerText(), ids.refused.due_on)
    await shot(page, 'lifecycle-10-detail-stale')

    // 延期 from the detail page (single route).
    await note.locator(byTest('listing-act-extend')).click()
    const dialog = page.locator(byTest('lifecycle-dialog'))
    await dialog.locator('.el-form').waitFor()
    await page.locator(byTest('lifecycle-submit')).click()
    await success('已延期，开放期限至')
    await note.waitFor({ state: 'detached' })
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
    assert.match(await page.locator(byTest('listing-open-until')).innerText(), new RegExp(until))
  })

  test('入仓申请 with 开放期限: the listing carries it', async () => {
    const { page } = browser
    await page.locator(byTest('menu-warehouse-entry')).click()
    await page.waitForURL('**/warehouse/entry')
    const firstRow = page.locator(byTest('entry-cards')).locator('tr.el-table__row').first()
    await firstRow.waitFor()
    const asset = (await firstRow.locator('[data-test^="entry-card-"]').innerText()).trim()
    await firstRow.locator('.el-checkbox').click()
    await page.locator(byTest('entry-next')).click()
    await page.locator(byTest('listing-open-until')).waitFor()
    assert.match(await page.locator(byTest('listing-form')).innerText(), /不填则按系统设置的期限（默认 180 天）提醒/)
    const until = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10)
    const input = page.locator(`${byTest('listing-open-until')} input`)
    await input.fill(until)
    await input.press('Enter')
    await page.locator(byTest('listing-national-no')).click()
    await shot(page, 'lifecycle-11-entry-open-until')
    await page.locator(byTest('entry-submit')).click()
    await page.locator(byTest('entry-result-ok-' + asset)).waitFor()
    const mine = (await apiGet(CLERK, '/listings?group=pending&page_size=200')).items
    const created = mine.find((l) => l.card.asset_code === asset)
    assert.ok(created, 'the new entry request')
    assert.equal(created.open_until, until)
  })
})

describe('资产调剂交接单', () => {
  test('set-up through the API: an interest of 第三中学, accepted, 无偿调拨 of the whole card recorded', async () => {
    const clerk = await apiSession(CLERK.username, CLERK.password)
    const published = (await clerk.get('/listings?group=in_warehouse&page_size=200')).items.filter(
      (l) => l.state === 'published' && !l.stale && !l.scope_change && ['city', 'province', 'national'].includes(l.scope),
    )
    const listing = published.find((l) => l.card.quantity > 1) ?? published[0]
    assert.ok(listing, 'a published listing visible city-wide')
    const directory = (await clerk.get('/units/directory')).items
    const receiver = directory.find((u) => u.name === RECEIVER)
    assert.ok(receiver, RECEIVER)

    const rc = await apiSession(RECEIVER_CLERK.username, RECEIVER_CLERK.password)
    const interest = await rc.post(`/listings/${listing.id}/interests`, {
      quantity: 1, purpose: '新建实验室配套使用', contact_name: '谭晓丽', contact_phone: '024-84740942',
    })
    await rc.close()
    await clerk.post(`/interests/${interest.id}/accept`, {})
    const today = new Date().toISOString().slice(0, 10)
    const done = await clerk.post(`/listings/${listing.id}/result`, {
      method: 'allocation', receiver_name: RECEIVER, receiver_unit_id: receiver.id, receiver_region: receiver.region,
      receiver_budget_code: receiver.budget_code, date: today, quantity: listing.card.quantity, note: '双方已现场清点，资产完好',
    })
    await clerk.close()
    assert.equal(done.state, 'completed')
    ids.handover = done
  })

  test('the supplier: 打印交接单 from the detail page; screen and print; one A4 page', async () => {
    const { page } = browser
    const l = ids.handover
    await as(CLERK)
    await page.goto(new URL(`/listings/${l.id}`, server.url).href)
    await page.locator(byTest('listing-act-handover')).click()
    await page.waitForURL(`**/listings/${l.id}/handover`)
    const sheet = page.locator(byTest('handover-sheet'))
    await sheet.waitFor()
    const doc = await apiGet(CLERK, `/listings/${l.id}/handover`)
    const text = await sheet.innerText()
    for (const part of [
      '资产调剂交接单', doc.document_no, WAREHOUSE, RECEIVER, l.card.asset_code, l.card.name, '无偿调拨', '新建实验室配套使用',
      '双方已现场清点，资产完好', '经办人签字', '单位负责人签字', '单位（盖章）',
    ]) {
      assert.ok(text.includes(part), `the document shows ${part}`)
    }
    assert.equal(await page.locator(byTest('handover-supplier-name')).innerText(), WAREHOUSE)
    assert.equal(await page.locator(byTest('handover-receiver-name')).innerText(), RECEIVER)
    assert.match(await page.locator(byTest('handover-quantity')).innerText(), new RegExp(`^${l.result.quantity} ${l.card.measure_unit}`))
    const yuan = (fen) => '¥' + (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    assert.equal(await page.locator(byTest('handover-original')).innerText(), yuan(doc.original_value_fen))
    assert.equal(await page.locator(byTest('handover-net')).innerText(), yuan(doc.net_value_fen))
    // The handed-over part's values (the card's, shared by quantity, rounded down to the fen).
    const share = (v) => Math.floor((v * doc.quantity) / doc.asset.card_quantity)
    assert.equal(doc.original_value_fen, share(doc.asset.card_original_value_fen))
    await page.locator(byTest('handover-toolbar')).waitFor()
    await fullShot(page, 'handover-01-screen')

    // Printed: the A4 page less its 15 mm margins (180 × 267 mm at 96 px per inch), no toolbar, one page.
    await page.setViewportSize({ width: 680, height: 1009 })
    await page.emulateMedia({ media: 'print' })
    try {
      assert.equal(await page.locator(byTest('handover-toolbar')).isVisible(), false, 'the toolbar is not printed')
      const height = await page.evaluate(() => document.documentElement.scrollHeight)
      assert.ok(height <= 1009, `the document is at most 267 mm high: ${height} px`)
      await fullShot(page, 'handover-02-print')
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false })
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []
      assert.equal(pages.length, 1, 'the document fits on one A4 page')
    } finally {
      await page.emulateMedia({ media: 'screen' })
      await page.setViewportSize({ width: 1366, height: 768 })
    }

    // 我的信息 › 已完成调剂 offers it too.
    await page.goto(new URL('/warehouse/mine?tab=done', server.url).href)
    await tableRow('mine-table', l.card.asset_code).locator(byTest('listing-act-handover')).waitFor()
  })

  test('the receiver\'s clerk opens it; a third unit\'s clerk gets the server\'s refusal', async () => {
    const { page } = browser
    const l = ids.handover
    await as(RECEIVER_CLERK)
    await page.goto(new URL(`/listings/${l.id}/handover`, server.url).href)
    await page.locator(byTest('handover-sheet')).waitFor()
    assert.equal(await page.locator(byTest('handover-receiver-name')).innerText(), RECEIVER)
    assert.equal(await page.locator(byTest('handover-receiver-contact_name')).innerText(), '谭晓丽', 'the interest\'s contact')

    await as(OTHER_CLERK)
    await page.goto(new URL(`/listings/${l.id}/handover`, server.url).href)
    const message = page.locator(byTest('handover-error-message'))
    await message.waitFor()
    assert.match(await message.innerText(), /只有调出、调入双方单位及其所在地区的主管部门可以查看资产调剂交接单/)
    assert.equal(await page.locator(byTest('handover-sheet')).count(), 0)
    await shot(page, 'handover-03-refused')
    assert.ok(OTHER, 'a unit party to nothing')
  })
})

describe('QR codes: 资产信息详情 and 资产标签', () => {
  test('the detail page shows a QR code of its address; 打印标签 renders the label', async () => {
    const { page } = browser
    await as(CLERK)
    const listing = ids.widened
    await page.goto(new URL(`/listings/${listing.id}`, server.url).href)
    const qr = page.locator(byTest('listing-qr'))
    await qr.waitFor()
    const src = await qr.getAttribute('src')
    assert.match(src, /^data:image\/svg\+xml/, 'made in the browser')
    assert.ok(decodeURIComponent(src).includes('<svg'), 'an SVG')
    const url = new URL(`/listings/${listing.id}`, server.url).href
    assert.equal(await qr.getAttribute('data-qr-text'), url)
    assert.equal(await page.locator(byTest('listing-qr-url')).innerText(), url)
    assert.match(await page.locator(byTest('listing-qr-box')).innerText(), /扫码查看此资产/)
    assert.ok((await qr.boundingBox()).width >= 100, 'about 120 px')
    await shot(page, 'label-00-detail-qr')

    await page.locator(byTest('listing-print-label')).click()
    await page.waitForURL(`**/listings/${listing.id}/label`)
    const label = page.locator(byTest('label'))
    await label.waitFor()
    await page.locator(byTest('label-qr')).waitFor()
    assert.match(await page.locator(byTest('label-qr')).getAttribute('src'), /^data:image\/svg\+xml/)
    assert.equal(await page.locator(byTest('label-qr')).getAttribute('data-qr-text'), url)
    assert.equal(await page.locator(byTest('label-unit')).innerText(), WAREHOUSE)
    assert.equal(await page.locator(byTest('label-code')).innerText(), listing.card.asset_code)
    assert.equal(await page.locator(byTest('label-name')).innerText(), listing.card.name)
    assert.match(await label.innerText(), /公物仓 · 扫码查看/)
    // About 90 × 55 mm (96 px per inch).
    const box = await label.boundingBox()
    assert.ok(Math.abs(box.width - (90 / 25.4) * 96) < 3 && Math.abs(box.height - (55 / 25.4) * 96) < 3, `90 × 55 mm: ${box.width} × ${box.height}`)
    await fullShot(page, 'label-01-screen')

    await fill(page, 'label-copies', '4')
    await inputOf(page, 'label-copies').press('Tab')
    await page.locator(byTest('label-copy')).nth(2).waitFor()
    await page.setViewportSize({ width: 680, height: 1009 })
    await page.emulateMedia({ media: 'print' })
    try {
      assert.equal(await page.locator(byTest('label-toolbar')).isVisible(), false, 'the toolbar is not printed')
      await fullShot(page, 'label-02-print')
    } finally {
      await page.emulateMedia({ media: 'screen' })
      await page.setViewportSize({ width: 1366, height: 768 })
    }

    // Another unit's clerk sees the QR code but no 打印标签.
    await as(OTHER_CLERK)
    await page.goto(new URL(`/listings/${listing.id}`, server.url).href)
    await page.locator(byTest('listing-qr')).waitFor()
    assert.equal(await page.locator(byTest('listing-print-label')).count(), 0)
  })
})
