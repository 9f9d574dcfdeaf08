// 低效闲置资产盘点 on the demo node (`gongwucang demo`, 沈阳市公物仓管理中心):
//   (two of its cards not in the warehouse are first put 在用 through 信息卡变动, as the demo has
//   them 闲置); its clerk opens 虚拟公物仓 › 资产盘点 and creates a stocktake of one building through the
//   新建盘点任务 dialog → on a phone (375×667, touch) opens the task, checks one card 闲置 with a
//   photo through the check panel, a second 闲置 on the full-screen check page a QR code opens,
//   a third 未找到 with a note; the rest as the ledger says through the API → 提交审核 on the phone;
//   the reviewer sees the differences (使用状态变更, 盘亏, 新照片) and approves → the cards'
//   histories carry 盘点 entries; the clerk clicks 生成入仓申请 → the two idle cards are draft
//   入仓申请, the first with the photo taken on the spot, and 全部提交审核 sends them all to the reviewer
//   at once (POST /listings/bulk); the printable checklist has a QR
//   code per card linking to its check page, and prints on A4.
// Screenshots: target/browser-screenshots/stocktake-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  apiSession as sharedApiSession, byTest, fill, inputOf, launchBrowser, login, photoPng, screenshotDir, serverBin, shot,
  startServer, tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const CLERK = { username: '210100004002jb', password: 'Zhongxin2025jb' }
const REVIEWER = { username: '210100004002', password: 'Zhongxin2025sh' }
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }

let server, desktop, phone, dataDir, clerkApi
/** Filled in on the way: the building, its cards, the stocktake. */
const ctx = { building: null, cards: [], idle: [], missing: null, id: null, photoHash: null }

before(async () => {
  desktop = await launchBrowser()
  phone = await launchBrowser(PHONE)
  dataDir = await tempDir('gwc-stocktake-')
  await promisify(execFile)(serverBin, ['demo', '--data', dataDir])
  server = await startServer(dataDir)
  await (await sharedApiSession(server.url, REVIEWER.username, INITIAL, REVIEWER.password)).close()
  clerkApi = await sharedApiSession(server.url, CLERK.username, INITIAL, CLERK.password)

  // A building of the unit with a few cards (the subtree's cards).
  const flat = (await clerkApi.get('/locations')).items
  const children = new Map()
  for (const l of flat) children.set(l.parent_id, [...(children.get(l.parent_id) ?? []), l])
  const total = (l) => (l.card_count ?? 0) + (children.get(l.id) ?? []).reduce((s, c) => s + total(c), 0)
  const buildings = flat.filter((l) => l.level === 'building' && total(l) >= 3).sort((a, b) => total(a) - total(b))
  // The smallest one with two cards not in the warehouse; the demo has them 闲置 — put them
  // 在用 first (信息卡变动), so that the stocktake finds them idle.
  for (const b of buildings) {
    const cards = (await clerkApi.get(`/cards?location_id=${b.id}&page_size=100`)).items
    const free = cards.filter((c) => !c.active_listing_id)
    if (free.length >= 2) {
      ctx.building = b
      ctx.cards = cards
      ctx.idle = free.slice(0, 2)
      ctx.missing = cards.find((c) => !ctx.idle.includes(c))
      break
    }
  }
  assert.ok(ctx.building, 'the demo unit has a building with two cards not in the warehouse')
  for (const c of ctx.idle) {
    if (c.status !== 'in_use') await clerkApi.post(`/cards/${c.id}/changes`, { status: 'in_use', note: '领用投入使用' })
  }
})

after(async () => {
  await clerkApi?.close()
  await server?.stop()
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true })
  assert.deepEqual(desktop?.consoleErrors ?? [], [], 'no uncaught errors in the desktop page')
  assert.deepEqual(phone?.consoleErrors ?? [], [], 'no uncaught errors in the phone page')
  await desktop?.close()
  await phone?.close()
})

/** Log in through the form as `user` in browser `b` (any previous session dropped first). */
async function as(b, user) {
  await b.page.context().clearCookies()
  await login(b.page, server.url, user.username, user.password)
  await b.page.waitForURL((u) => u.pathname === '/')
}

async function settled(page) {
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
}

async function success(page, text) {
  await page.locator('.el-message--success', { hasText: text }).first().waitFor()
}

async function confirmBox(page, button) {
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

async function fullShot(page, name) {
  await fs.mkdir(screenshotDir, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

/** The main content does not scroll sideways (the phone). */
async function assertNoSideways(page, where) {
  const over = await page.evaluate(() => {
    const main = document.querySelector('.layout-main') ?? document.documentElement
    return { doc: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth }
  })
  assert.ok(over.doc <= 0 && over.main <= 0, `${where}: no horizontal scrolling at 375 px (${JSON.stringify(over)})`)
}

function inDays(n) {
  const d = new Date(Date.now() + n * 86_400_000)
  return d.toISOString().slice(0, 10)
}

describe('低效闲置资产盘点', () => {
  test('the clerk creates a stocktake of one building through 新建盘点任务', async () => {
    const { page } = desktop
    await as(desktop, CLERK)
    await page.locator(byTest('menu-warehouse-stocktakes')).click()
    await page.waitForURL((u) => u.pathname === '/warehouse/stocktakes')
    await page.locator(byTest('stocktakes-guide')).click()
    await shot(page, 'stocktake-list-empty')

    await page.locator(byTest('stocktake-new')).click()
    const dialog = page.locator(byTest('stocktake-create-dialog'))
    await dialog.locator(byTest('stocktake-scope-location')).click()
    await inputOf(page, 'stocktake-location').click()
    await page.locator(byTest(`stocktake-location-option-${ctx.building.name}`)).first().click()
    await fill(page, 'stocktake-due', inDays(7))
    await inputOf(page, 'stocktake-due').press('Enter')
    await dialog.locator('.el-dialog__title').click()
    await shot(page, 'stocktake-create')
    await page.locator(byTest('stocktake-create-submit')).click()
    await page.waitForURL((u) => /^\/warehouse\/stocktakes\/[^/]+$/.test(u.pathname))
    ctx.id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
    await settled(page)
    await page.locator(byTest('stocktake-progress')).getByText(`已盘 0 / ${ctx.cards.length}`).waitFor()
    await shot(page, 'stocktake-task')

    const st = await clerkApi.get(`/stocktakes/${ctx.id}`)
    assert.equal(st.scope.kind, 'location')
    assert.equal(st.lines.length, ctx.cards.length, 'the building’s cards are the checklist')
    // Two cards found idle (the ledger says 在用), one missing: their lines.
    const lineOf = (c) => st.lines.find((l) => l.card_id === c.id)
    ctx.idle = ctx.idle.map(lineOf)
    ctx.missing = lineOf(ctx.missing)
    assert.deepEqual(ctx.idle.map((l) => l.status), ['in_use', 'in_use'])
  })

  test('on a phone the clerk checks cards in the check panel, with a photo, and submits', async () => {
    const { page } = phone
    await as(phone, CLERK)
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}`, server.url).href)
    await settled(page)
    await assertNoSideways(page, 'task page')
    await shot(page, 'stocktake-phone-task')

    // First card: the panel in the drawer of the task page — 闲置 and a photo.
    const [a, b] = ctx.idle
    await page.locator(byTest(`line-check-${a.asset_code}`)).click()
    const drawer = page.locator(byTest('check-panel'))
    await drawer.waitFor()
    await drawer.locator(byTest('check-status-idle')).click()
    await drawer
      .locator(byTest('check-photo-input'))
      .setInputFiles({ name: 'spot.png', mimeType: 'image/png', buffer: photoPng(1) })
    await drawer.locator(byTest('check-photo')).first().waitFor()
    assert.equal(await drawer.locator(byTest('check-photo-flag')).count(), 0, 'a sharp photo is not flagged')
    assert.equal(await drawer.locator('input[type=file][capture=environment][accept="image/*"]').count(), 1)
    await shot(page, 'stocktake-phone-panel')
    await drawer.locator(byTest('check-save-next')).click()
    await success(page, `已盘点 ${a.asset_code}`)
    await page.keyboard.press('Escape')

    // Second card: the full-screen page a checklist's QR code opens.
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}/check/${b.card_id}`, server.url).href)
    await page.locator(byTest('check-page')).locator(byTest('check-code')).getByText(b.asset_code).waitFor()
    await assertNoSideways(page, 'check page')
    await page.locator(byTest('check-status-idle')).click()
    await shot(page, 'stocktake-phone-check-page')
    await page.locator(byTest('check-save-next')).click()
    await success(page, `已盘点 ${b.asset_code}`)
    await page.waitForURL((u) => !u.pathname.endsWith(b.card_id))

    // Third: 未找到, the note is required.
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}/check/${ctx.missing.card_id}`, server.url).href)
    await page.locator(byTest('check-code')).getByText(ctx.missing.asset_code).waitFor()
    await page.locator(byTest('check-found-no')).click()
    await fill(page, 'check-note', '已查找本楼各办公室及库房，未找到')
    await shot(page, 'stocktake-phone-missing')
    await page.locator(byTest('check-save')).click()
    await success(page, `已盘点 ${ctx.missing.asset_code}`)

    // The rest 在用 where they are, through the API.
    const st = await clerkApi.get(`/stocktakes/${ctx.id}`)
    for (const l of st.lines.filter((l) => !l.checked)) {
      await clerkApi.put(`/stocktakes/${ctx.id}/lines/${l.card_id}`, { found: true, status: l.status })
    }
    const line = (await clerkApi.get(`/stocktakes/${ctx.id}`)).lines.find((l) => l.card_id === a.card_id)
    assert.equal(line.photos.length, 1, 'the photo taken on the spot')
    ctx.photoHash = line.photos[0].hash

    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}`, server.url).href)
    await settled(page)
    await page.locator(byTest('stocktake-progress')).first().getByText(`已盘 ${st.lines.length} / ${st.lines.length}`).waitFor()
    await page.locator(byTest('stocktake-submit')).click()
    await success(page, '已提交审核')
    await page.locator(byTest('stocktake-state')).getByText('待审核').waitFor()
    await assertNoSideways(page, 'submitted task page')
    await fullShot(page, 'stocktake-phone-submitted')
  })

  test('the reviewer sees the differences and approves; the cards’ histories say 盘点', async () => {
    const { page } = desktop
    await as(desktop, REVIEWER)
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}`, server.url).href)
    await settled(page)
    const diffs = page.locator(byTest('stocktake-differences'))
    await diffs.waitFor()
    const kinds = await diffs.locator(byTest('diff-kind')).allInnerTexts()
    assert.equal(kinds.filter((k) => k === '使用状态变更').length >= 2, true, kinds.join(','))
    assert.ok(kinds.includes('盘亏') && kinds.includes('新照片'), kinds.join(','))
    await diffs.getByText('→ 闲置').first().waitFor()
    await fullShot(page, 'stocktake-review')
    await page.locator(byTest('stocktake-approve')).click()
    await confirmBox(page, '审核通过')
    await success(page, '审核通过')
    await page.locator(byTest('stocktake-state')).getByText('已生效').waitFor()

    for (const l of [...ctx.idle, ctx.missing]) {
      const card = await clerkApi.get(`/cards/${l.card_id}`)
      assert.ok(card.history.some((h) => h.source === 'stocktake'), `${l.asset_code} has a 盘点 history entry`)
    }
    assert.equal((await clerkApi.get(`/cards/${ctx.idle[0].card_id}`)).status, 'idle')
  })

  test('the clerk generates the 入仓申请 drafts of the idle cards, with the new photo', async () => {
    const { page } = desktop
    await as(desktop, CLERK)
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}`, server.url).href)
    await settled(page)
    await page.locator(byTest('stocktake-entry-requests')).click()
    const result = page.locator(byTest('stocktake-entry-result'))
    await result.waitFor()
    await fullShot(page, 'stocktake-applied')

    const st = await clerkApi.get(`/stocktakes/${ctx.id}`)
    assert.equal(st.entry_requests.length >= 2, true, JSON.stringify(st.entry_requests))
    const drafts = await Promise.all(st.entry_requests.map((id) => clerkApi.get(`/listings/${id}`)))
    const codes = drafts.map((d) => d.card?.asset_code)
    for (const l of ctx.idle) assert.ok(codes.includes(l.asset_code), `${l.asset_code} is a draft: ${codes}`)
    const first = drafts.find((d) => d.card?.asset_code === ctx.idle[0].asset_code)
    assert.equal(first.state, 'draft')
    assert.ok(first.card.photos.some((p) => p.hash === ctx.photoHash), 'the draft carries the photo taken on the spot')

    // The drafts as they stand, then 全部提交审核: all of them go to the reviewer at once.
    const table = page.locator(byTest('stocktake-entry-table'))
    await table.getByText(ctx.idle[0].asset_code).waitFor()
    assert.equal(await table.locator(byTest('stocktake-entry-state')).filter({ hasText: '草稿' }).count(), st.entry_requests.length)
    await page.locator(byTest('stocktake-entry-submit-all')).click()
    await confirmBox(page, '提交审核')
    await table.locator(byTest('stocktake-entry-state')).filter({ hasText: '入仓待审批' }).nth(st.entry_requests.length - 1).waitFor()
    assert.equal(await page.locator(byTest('stocktake-entry-submit-all')).count(), 0, 'nothing left to submit')
    for (const id of st.entry_requests) assert.equal((await clerkApi.get(`/listings/${id}`)).state, 'pending_entry', id)
    await fullShot(page, 'stocktake-entry-submitted')

    await result.locator(byTest('stocktake-entry-link')).click()
    await page.waitForURL((u) => u.pathname === '/warehouse/mine' && u.searchParams.get('tab') === 'pending')
    await settled(page)
    await page.getByText(ctx.idle[0].asset_code).first().waitFor()
    await shot(page, 'stocktake-drafts')

    await page.locator(byTest('menu-warehouse-stocktakes')).click()
    const row = page.locator(byTest('stocktakes-table')).locator('tr', { has: page.locator(byTest(`stocktake-link-${ctx.id}`)) })
    await row.locator(byTest('stocktake-state')).getByText('已生效').waitFor()
    await row.getByText(`已盘 ${ctx.cards.length} / ${ctx.cards.length}`).waitFor()
    await shot(page, 'stocktake-list')
  })

  test('the printable checklist has a QR code per card linking to its check page', async () => {
    const { page } = desktop
    await page.goto(new URL(`/warehouse/stocktakes/${ctx.id}/print`, server.url).href)
    await page.locator(byTest('stocktake-print-sheet')).waitFor()
    const qrs = page.locator(`img${byTest('print-qr')}`)
    await qrs.nth(ctx.cards.length - 1).waitFor()
    assert.equal(await qrs.count(), ctx.cards.length)
    const text = await qrs.first().getAttribute('data-qr-text')
    assert.match(text, new RegExp(`/warehouse/stocktakes/${ctx.id}/check/`))
    await fullShot(page, 'stocktake-print')
    await page.emulateMedia({ media: 'print' })
    try {
      assert.equal(await page.locator(byTest('stocktake-print-toolbar')).isVisible(), false, 'the toolbar is not printed')
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false })
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []
      assert.ok(pages.length >= 1, 'an A4 PDF')
    } finally {
      await page.emulateMedia({ media: 'screen' })
    }
  })
})
