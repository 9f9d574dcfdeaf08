// 虚拟公物仓 and 调剂共享平台 end to end, as the notice (辽财资〔2025〕116号 实施指南
// 一 to 三) trains its users, on a fresh local node (沈阳市, 210100):
//   set-up (API): two units, an authority user, a card (闲置) with photos;
//   clerk 入仓申请 (选择资产 → 完善信息 → 提交, 是否纳入全国调剂共享平台 = 否)
//   → reviewer 入仓审批 同意 (from 首页待办事项) → another unit's clerk sees it in 公物仓广场
//   → clerk 退仓申请 → reviewer 退仓审批 同意 → gone from the plaza
//   → clerk 入仓申请 again (是, 全国) → reviewer 不同意 → clerk 修改 and 提交 → reviewer 同意
//   → authority 调剂数据报送 审核同意
//   → clerk 登记调剂结果 on the published listing.
// Then, on a province node (辽宁省, 210000 — where 省财政厅 users live), the rest of
// the platform track: 共享 listing → 调整调剂共享范围 (本省) + 审核同意 → 报送至中央 →
// 共享广场 → 退仓 → 取消调剂共享.
// One browser; one server per node; the tests run in order. Screenshots go to
// target/browser-screenshots/flow-*.png (province node: flow-p*.png).
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import {
  ADMIN_PASSWORD, apiSession as sharedApiSession, byTest, fill, inputOf, initNode, launchBrowser, login, photoPng,
  serverBin, shot, startServer, tempDir,
} from './helpers.mjs'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const INITIAL = '123qweQWE'
const CODE = 'ZC2023001001'

// 沈阳市 local node.
const CLERK_A = { username: '210102001001jb', password: 'Heping2025jb' }
const REVIEWER_A = { username: '210102001001', password: 'Heping2025sh' }
const CLERK_B = { username: '210105002001jb', password: 'Huanggu2025jb' }
const AUTHORITY = { username: 'sy-czj', password: 'Shenyang2025cz' }
const LOCAL = { clerk: CLERK_A, reviewer: REVIEWER_A, other: CLERK_B, contact: ['王芳', '024-22821903'] }

// 辽宁省 province node (省本级 units).
const P_CLERK_A = { username: '210000101001jb', password: 'Jiaoyu2025jb' }
const P_REVIEWER_A = { username: '210000101001', password: 'Jiaoyu2025sh' }
const P_CLERK_B = { username: '210000102001jb', password: 'Weijian2025jb' }
const P_AUTHORITY = { username: 'ln-jgswj', password: 'Liaoning2025a' }
const P_PROVINCE = { username: 'ln-czt', password: 'Liaoning2025p' }
const PROVINCE = { clerk: P_CLERK_A, reviewer: P_REVIEWER_A, other: P_CLERK_B, contact: ['张伟', '024-86891234'] }

let server, browser
/** The node under test (LOCAL or PROVINCE): its accounts. */
let node = LOCAL

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

// ---------------------------------------------------------------- API set-up

/** A logged-in API session of its own on the node under test (helpers.mjs apiSession). */
const apiSession = (username, password, newPassword) => sharedApiSession(server.url, username, password, newPassword)

// ---------------------------------------------------------------- UI helpers

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
  await page.waitForURL('**' + path)
}

async function settled() {
  const { page } = browser
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
}

/** The row of `table` (data-test) showing the listing of asset `code`. */
function listingRow(table, code) {
  const { page } = browser
  return page.locator(byTest(table)).locator('tr.el-table__row', { has: page.locator(byTest('listing-row-' + code)) })
}

async function confirmBox(button) {
  const { page } = browser
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

/** Open the el-select `select` (data-test) and click its option `option` (data-test). */
async function pickOption(select, option) {
  const { page } = browser
  await page.locator(byTest(select)).click()
  await page.locator(byTest(option)).click()
}

/** 发布日期 from … to … on the plaza: typed into the range picker's two boxes. */
async function publishedBetween(from, to) {
  const { page } = browser
  const box = page.locator(byTest('plaza-published'))
  const inputs = box.locator('input')
  if (await inputs.nth(0).inputValue()) {
    // Clear the range first (the picker keeps a half-typed range otherwise).
    await box.hover()
    await box.locator('.el-range__close-icon').click()
    await page.locator(byTest('plaza-total')).filter({ hasText: /共 [1-9]/ }).waitFor()
  }
  await inputs.nth(0).fill(from)
  await inputs.nth(1).fill(to)
  await inputs.nth(1).press('Enter')
  await page.keyboard.press('Escape')
}

/** 入仓申请 through the UI: 选择资产 → 完善信息 → 提交. */
async function entryRequest({ national, mode = 'transfer', scope, shotPrefix }) {
  const { page } = browser
  await openMenu('warehouse-entry', '/warehouse/entry')
  const cell = page.locator(byTest('entry-cards')).locator(byTest('entry-card-' + CODE))
  await cell.waitFor()
  await settled()
  await page
    .locator(byTest('entry-cards'))
    .locator('tr.el-table__row', { has: page.locator(byTest('entry-card-' + CODE)) })
    .locator('.el-checkbox')
    .click()
  await page.locator(byTest('entry-selected-count')).filter({ hasText: '已选择 1 项' }).waitFor()
  await shot(page, `${shotPrefix}-select`)
  await page.locator(byTest('entry-next')).click()
  await page.locator(byTest('listing-form')).waitFor()
  await page.locator(byTest('listing-mode-' + mode)).click()
  await page.locator(byTest(national ? 'listing-national-yes' : 'listing-national-no')).click()
  await page.locator(byTest('listing-scope-' + (scope ?? (national ? 'national' : 'city')))).click()
  await fill(page, 'listing-condition', '九成新，功能完好')
  await fill(page, 'listing-description', '爱普生投影仪，亮度 3600 流明，含遥控器和电源线，会议室改造后闲置。')
  // 联系人 / 联系电话 come from the unit.
  await page.waitForFunction(
    ([sel, name]) => document.querySelector(sel)?.value === name,
    [`input${byTest('listing-contact-name')}`, node.contact[0]],
  )
  assert.equal(await inputOf(page, 'listing-contact-phone').inputValue(), node.contact[1])
  await shot(page, `${shotPrefix}-form`)
  await page.locator(byTest('entry-submit')).click()
  await page.locator(byTest('entry-result-ok-' + CODE)).waitFor()
  await shot(page, `${shotPrefix}-result`)
}

/**
 * The reviewer approves the one pending request on `/approvals/{kind}`.
 * `beatenBy`: another reviewer's session approves it first (after the page has
 * listed it), so the click gets the server's 409, which the page shows and then reloads.
 */
async function reviewerApproves(kind, shotName, { beatenBy = null } = {}) {
  const { page } = browser
  await as(node.reviewer)
  const todo = page.locator(byTest(kind === 'entry' ? 'todo-entry_reviews' : 'todo-exit_reviews'))
  await todo.waitFor()
  await shot(page, shotName + '-todo')
  await todo.click()
  await page.waitForURL(`**/approvals/${kind}`)
  const row = listingRow('approvals-table-' + kind, CODE)
  await row.waitFor()
  await settled()
  await shot(page, shotName)
  await row.locator(byTest('listing-act-approve')).click()
  if (beatenBy) {
    const id = (await beatenBy.get('/listings?state=pending_' + kind)).items[0].id
    await beatenBy.post(`/listings/${id}/review`, { decision: 'approve' })
  }
  await confirmBox('同意')
  if (beatenBy) {
    const box = page.locator('.el-message-box', { hasText: '状态已变化' })
    await box.waitFor()
    await shot(page, shotName + '-conflict')
    await box.getByRole('button', { name: '刷新' }).click()
  }
  await page.locator(byTest(`approvals-table-${kind}-empty`)).waitFor()
}

/** As another unit's clerk: the listing is (not) in the plaza `kind`. */
async function plazaShows(present, kind = 'warehouse') {
  const { page } = browser
  await as(node.other)
  const menu = { warehouse: ['warehouse-plaza', '/warehouse/plaza'], transfer: ['platform-transfer', '/platform/transfer'], share: ['platform-share', '/platform/share'] }[kind]
  await openMenu(...menu)
  await settled()
  if (present) await page.locator(byTest('plaza-item-' + CODE)).waitFor()
  else await page.locator(byTest('plaza-empty')).waitFor()
}

/** Set-up through the API: two units, region users, and the clerk's idle card with two photos. */
async function setUpNode({ units, users, clerk, others }) {
  const admin = await apiSession('admin', ADMIN_PASSWORD)
  for (const u of units) {
    await admin.post('/units', { unit_type: 'administrative', physical_warehouse: false, ...u })
  }
  for (const u of users) await admin.post('/users', { username: u.account.username, password: u.account.password, name: u.name, role: u.role, region: u.region })
  await admin.close()

  for (const u of others) await (await apiSession(u.username, INITIAL, u.password)).close()
  // An account the admin made may have to change its password first.
  for (const u of users) {
    const next = u.account.password.replace(/\d{4}/, (y) => String(Number(y) + 1))
    const session = await apiSession(u.account.username, u.account.password, next)
    if (session.changed) u.account.password = next
    await session.close()
  }

  const api = await apiSession(clerk.username, INITIAL, clerk.password)
  const card = await api.post('/cards', {
    asset_code: CODE, name: '投影仪', category: 'A02021100', spec: 'CB-X06', brand: '爱普生', quantity: 1,
    measure_unit: '台', acquired_on: '2021-06-18', original_value_fen: 568000, net_value_fen: 120000,
    status: 'idle', shared: false, using_department: '办公室',
  })
  for (let i = 0; i < 2; i++) {
    await api.upload(`/cards/${card.id}/photos`, { name: `projector-${i}.png`, mimeType: 'image/png', buffer: photoPng(i) })
  }
  const cards = await api.get('/cards?publishable=true')
  assert.ok(cards.items.some((c) => c.asset_code === CODE), 'the idle card is publishable')
  await api.close()
}

// ---------------------------------------------------------------- tests

describe('local node 沈阳市 (210100)', () => {
  nodeLifecycle('gwc-flow-', initNode)
  before(() => {
    node = LOCAL
  })

  test('set-up through the API: two units, an authority, a card of the clerk with photos', async () => {
    await setUpNode({
      units: [
        { budget_code: '001001', name: '沈阳市和平区教育局', region: '210102', department: '教育局', contact_name: '王芳', contact_phone: '024-22821903' },
        { budget_code: '002001', name: '沈阳市皇姑区卫生健康局', region: '210105', department: '卫生健康局', contact_name: '李强', contact_phone: '024-86123456' },
      ],
      users: [{ account: AUTHORITY, name: '沈阳市财政局资产管理处', role: 'authority', region: '210100' }],
      clerk: CLERK_A,
      others: [REVIEWER_A, CLERK_B],
    })
  })

  test('clerk: 入仓申请, not on the national platform; reviewer: 入仓审批 同意 from the to-do', async () => {
    const { page } = browser
    await as(CLERK_A)
    for (const item of ['warehouse-entry', 'warehouse-exit', 'warehouse-mine', 'warehouse-plaza', 'platform-mine', 'platform-transfer', 'platform-share']) {
      assert.equal(await page.locator(byTest('menu-' + item)).count(), 1, `menu ${item} is shown to the clerk`)
    }
    assert.equal(await page.locator(byTest('menu-approvals-entry')).count(), 0, 'no 审批中心 for the clerk')
    await entryRequest({ national: false, shotPrefix: 'flow-01-entry' })

    await page.locator(byTest('entry-to-mine')).click()
    await page.waitForURL('**/warehouse/mine?tab=pending')
    await listingRow('mine-table', CODE).waitFor()
    await settled()
    await shot(page, 'flow-02-mine-pending')

    await reviewerApproves('entry', 'flow-03-approvals-entry')
    await shot(page, 'flow-04-approved')
  })

  test('another unit\'s clerk sees the listing in 公物仓广场 and opens its detail', async () => {
    const { page } = browser
    await plazaShows(true)
    await shot(page, 'flow-05-plaza')

    // 资产状态 and 发布日期 narrow the results (the day the plaza shows for the listing).
    const publishedOn = await page.locator(byTest('plaza-item-' + CODE)).locator('.item-foot span').nth(1).innerText()
    assert.match(publishedOn, /^\d{4}-\d{2}-\d{2}$/)
    await pickOption('plaza-status', 'plaza-status-pending_disposal')
    await page.locator(byTest('plaza-empty')).filter({ hasText: '没有符合筛选条件' }).waitFor()
    await pickOption('plaza-status', 'plaza-status-idle')
    await page.locator(byTest('plaza-item-' + CODE)).waitFor()
    await publishedBetween('2020-01-01', '2020-12-31')
    await page.locator(byTest('plaza-empty')).filter({ hasText: '没有符合筛选条件' }).waitFor()
    await settled()
    await shot(page, 'flow-05-plaza-filtered-empty')
    await publishedBetween(publishedOn, publishedOn)
    await page.locator(byTest('plaza-item-' + CODE)).waitFor()
    assert.match(await page.locator(byTest('plaza-total')).innerText(), /共 1 条/)
    await settled()
    await shot(page, 'flow-05-plaza-filtered')
    await page.locator(byTest('plaza-reset')).click()
    await page.locator(byTest('plaza-item-' + CODE)).waitFor()

    // A local node's 调剂广场 is filled by 数据交换 from above: the empty page says so.
    await openMenu('platform-transfer', '/platform/transfer')
    const empty = page.locator(byTest('plaza-empty'))
    await empty.filter({ hasText: '数据交换' }).waitFor()
    assert.match(await empty.innerText(), /公物仓广场/)
    await settled()
    await shot(page, 'flow-05-transfer-plaza-local-empty')
    await openMenu('warehouse-plaza', '/warehouse/plaza')
    await page.locator(byTest('plaza-item-' + CODE)).waitFor()
    await page.locator(byTest('plaza-view-table')).click()
    await page.locator(byTest('plaza-table')).waitFor()
    await shot(page, 'flow-05-plaza-table')
    await page.locator(byTest('plaza-view-grid')).click()
    await page.locator(byTest('plaza-item-' + CODE)).click()
    await page.waitForURL(/\/listings\/[^/]+$/)
    await page.locator(byTest('listing-facts')).waitFor()
    assert.equal(await page.locator(byTest('listing-title')).innerText(), '投影仪')
    assert.equal(await page.locator(byTest('listing-unit')).innerText(), '沈阳市和平区教育局')
    assert.equal(await page.locator(byTest('listing-contact-phone')).innerText(), '024-22821903')
    assert.equal(await page.locator(byTest('listing-original')).innerText(), '5,680.00 元')
    assert.equal(await page.locator(byTest('listing-source')).innerText(), '日常闲置')
    assert.equal(await page.locator(byTest('listing-state')).innerText(), '已发布')
    assert.equal(await page.locator(byTest('listing-gallery')).locator('img.strip-thumb').count(), 2, 'both photos')
    assert.equal(await page.locator('[data-test^="listing-act-"]').count(), 0, 'no actions for another unit')
    await shot(page, 'flow-06-detail')
  })

  test('clerk: 退仓申请; reviewer: 退仓审批 同意; the listing leaves the plaza', async () => {
    const { page } = browser
    await as(CLERK_A)
    await openMenu('warehouse-exit', '/warehouse/exit')
    const row = listingRow('exit-table', CODE)
    await row.waitFor()
    await settled()
    await row.locator('.el-checkbox').click()
    await fill(page, 'exit-reason', '需变更资产信息后重新发布')
    await shot(page, 'flow-07-exit')
    await page.locator(byTest('exit-submit')).click()
    await page.locator(byTest('exit-table-empty')).waitFor()

    // Two reviewers at once: the other one (API) is faster; the page says so and refreshes.
    const other = await apiSession(REVIEWER_A.username, REVIEWER_A.password)
    await reviewerApproves('exit', 'flow-08-approvals-exit', { beatenBy: other })
    await other.close()

    await plazaShows(false)
    await shot(page, 'flow-09-plaza-empty')

    await as(CLERK_A)
    await openMenu('warehouse-mine', '/warehouse/mine')
    await page.locator(byTest('mine-tab-out')).click()
    await listingRow('mine-table', CODE).waitFor()
    assert.match(await listingRow('mine-table', CODE).innerText(), /已退仓/)
    await settled()
    await shot(page, 'flow-10-mine-withdrawn')
  })

  test('re-listed on the national platform: reviewer 同意, authority 调剂数据报送 审核同意', async () => {
    const { page } = browser
    await as(CLERK_A)
    await entryRequest({ national: true, shotPrefix: 'flow-11-entry-national' })

    // 不同意 first: the request goes back to the clerk with the reason.
    await as(REVIEWER_A)
    await openMenu('approvals-entry', '/approvals/entry')
    const pending = listingRow('approvals-table-entry', CODE)
    await pending.waitFor()
    await settled()
    await pending.locator(byTest('listing-act-reject')).click()
    await page.locator(byTest('listing-reason-dialog')).locator('textarea').waitFor()
    await fill(page, 'listing-reason', '请补充资产状况：是否含吊装支架')
    await shot(page, 'flow-11-reject-dialog')
    await page.locator(byTest('listing-reason-submit')).click()
    await page.locator(byTest('approvals-table-entry-empty')).waitFor()

    // The clerk reads the reason under 待审核/已退回, 修改 and 提交 again.
    await as(CLERK_A)
    await openMenu('warehouse-mine', '/warehouse/mine')
    await page.locator(byTest('mine-tab-pending')).click()
    const returned = listingRow('mine-table', CODE)
    await returned.waitFor()
    assert.match(await returned.innerText(), /已退回/)
    assert.match(await returned.innerText(), /请补充资产状况/)
    await settled()
    await shot(page, 'flow-11-returned')
    await returned.locator(byTest('listing-act-edit')).click()
    const edit = page.locator(byTest('listing-edit-dialog'))
    await edit.locator(byTest('listing-edit-reason')).waitFor()
    await fill(page, 'listing-condition', '九成新，功能完好，含吊装支架')
    await shot(page, 'flow-11-edit-dialog')
    await page.locator(byTest('listing-edit-submit')).click()
    await edit.waitFor({ state: 'hidden' })
    await listingRow('mine-table', CODE).filter({ hasText: '入仓待审批' }).waitFor()

    await reviewerApproves('entry', 'flow-12-approvals-entry-national')
    // A national listing is in the local warehouse plaza as soon as the reviewer approves.
    await plazaShows(true)

    await as(AUTHORITY)
    assert.equal(await page.locator(byTest('menu-platform-submissions')).count(), 1, 'the authority has 调剂数据报送')
    const todo = page.locator(byTest('todo-authority_reviews'))
    await todo.waitFor()
    await todo.click()
    await page.waitForURL('**/platform/submissions')
    await page.locator(byTest('submissions-tab-transfer')).click()
    const row = listingRow('submissions-table', CODE)
    await row.waitFor()
    await settled()
    await shot(page, 'flow-13-submissions')
    await row.locator(byTest('listing-act-authority_approve')).click()
    const dialog = page.locator(byTest('listing-scope-dialog'))
    await dialog.waitFor()
    await page.locator(byTest('listing-final-scope-national')).click()
    await shot(page, 'flow-14-authority-scope')
    await page.locator(byTest('listing-scope-submit')).click()
    await page.locator(byTest('submissions-table-empty')).waitFor()
    await shot(page, 'flow-15-submissions-done')
  })

  test('clerk: the listing under 调剂共享平台 › 我的信息, 登记调剂结果 there', async () => {
    const { page } = browser
    await as(CLERK_A)
    await openMenu('platform-mine', '/platform/mine')
    // It opens on the first group with something in it (待审核), not on an empty 已发布.
    await page.locator(byTest('pmine-group-pending') + '.is-active').waitFor()
    const row = listingRow('pmine-table', CODE)
    await row.waitFor()
    assert.match(await row.innerText(), /待省财政厅报送/)
    await settled()
    await shot(page, 'flow-16-platform-mine')

    await row.locator(byTest('listing-act-result')).click()
    const dialog = page.locator(byTest('listing-result-dialog'))
    await dialog.locator('.el-form').waitFor()
    assert.match(await page.locator(byTest('result-method')).innerText(), /无偿调拨/, '调剂 defaults to 无偿调拨')
    // 出租 asks for 使用期限至; 无偿调拨 does not.
    await pickOption('result-method', 'result-method-lease')
    await page.locator(byTest('result-until')).waitFor()
    await page.locator(byTest('result-submit')).click()
    await dialog.locator('.el-form-item__error', { hasText: '出租、出借须填写使用期限' }).waitFor()
    await shot(page, 'flow-17-result-lease-until')
    await pickOption('result-method', 'result-method-allocation')
    await page.locator(byTest('result-until')).waitFor({ state: 'hidden' })
    // The clerk picks the receiver from the node's units (GET /units/directory).
    assert.ok(await page.locator(byTest('result-receiver-kind-unit')).evaluate((e) => e.classList.contains('is-checked')), '本节点单位 by default')
    await page.locator(byTest('result-receiver-unit')).click()
    await inputOf(page, 'result-receiver-unit').fill('皇姑')
    await page.locator('.el-select-dropdown__item:visible', { hasText: '沈阳市皇姑区卫生健康局' }).click()
    await fill(page, 'result-note', '会议室使用')
    await shot(page, 'flow-17-result-dialog')
    await page.locator(byTest('result-submit')).click()
    await dialog.waitFor({ state: 'hidden' })

    await page.locator(byTest('pmine-group-completed')).click()
    const done = listingRow('pmine-table', CODE)
    await done.waitFor()
    assert.match(await done.innerText(), /无偿调拨/)
    assert.match(await done.innerText(), /沈阳市皇姑区卫生健康局/)
    await settled()
    await shot(page, 'flow-18-completed')

    await openMenu('warehouse-mine', '/warehouse/mine')
    await page.locator(byTest('mine-tab-done')).click()
    await listingRow('mine-table', CODE).waitFor()
    assert.match(await listingRow('mine-table', CODE).innerText(), /已完成调剂/)

    // 无偿调拨: the card leaves the unit's ledger and is listed under 已调出.
    await openMenu('cards', '/cards')
    await page.locator(byTest('cards-empty')).waitFor()
    await page.locator(byTest('cards-ledger')).getByRole('tab', { name: '已调出' }).click()
    await page.locator(byTest('cards-row-' + CODE)).waitFor()
    const transferred = page.locator(byTest('cards-table')).locator('tr.el-table__row', { has: page.locator(byTest('cards-row-' + CODE)) })
    assert.match(await transferred.locator(byTest('card-transferred-to')).innerText(), /沈阳市皇姑区卫生健康局/)
    assert.match(await transferred.innerText(), /已调出/)
    await settled()
    await shot(page, 'flow-19-cards-transferred')
    await transferred.locator('a.link').click()
    await page.waitForURL(/\/cards\/[^/]+$/)
    await page.locator(byTest('card-transferred-tag')).waitFor()
    assert.equal(await page.locator(byTest('card-change')).count(), 0, 'a card transferred out is no longer changed')
    assert.match(await page.locator(byTest('card-transferred')).innerText(), /沈阳市皇姑区卫生健康局/)
    await settled()
    await shot(page, 'flow-20-card-transferred')
    await page.locator(byTest('card-transferred-listing')).click()
    await page.waitForURL(/\/listings\/[^/]+$/)
    await page.locator(byTest('listing-state')).filter({ hasText: '已完成调剂' }).waitFor()

    // Completed listings leave the plazas.
    await plazaShows(false)
  })

  test('admin: 审计日志 names every action in Chinese', async () => {
    const { page } = browser
    await as({ username: 'admin', password: ADMIN_PASSWORD })
    await openMenu('audit', '/audit')
    await page.locator(byTest('audit-table')).locator('tr.el-table__row').first().waitFor()
    await page.locator('.el-pagination__sizes .el-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '200' }).click()
    await settled()
    const actions = await page.locator(byTest('audit-action-label')).allInnerTexts()
    assert.ok(actions.length > 20, `many audit entries (${actions.length})`)
    for (const a of actions) assert.doesNotMatch(a, /[A-Za-z_]/, `action "${a}" in Chinese`)
    for (const a of ['登记调剂结果', '提交入仓申请', '入仓审批', '主管部门审核', '新增资产卡片', '添加照片']) {
      assert.ok(actions.includes(a), `${a} in the log`)
    }
    const targets = await page.locator(byTest('audit-table')).locator('tr.el-table__row td:nth-child(5)').allInnerTexts()
    for (const t of targets) assert.doesNotMatch(t, /^[a-z]+:/, `target "${t}" names its kind in words`)
    // The filter offers the actions by their Chinese names.
    await page.locator(byTest('audit-action')).click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '登记调剂结果' }).click()
    await settled()
    assert.deepEqual([...new Set(await page.locator(byTest('audit-action-label')).allInnerTexts())], ['登记调剂结果'])
    await shot(page, 'flow-21-audit')
  })
})

/** `gongwucang init` a province node for 辽宁省 (省财政厅 users live there). */
async function initProvinceNode(dataDir) {
  await promisify(execFile)(serverBin, [
    'init', '--data', dataDir, '--kind', 'province', '--region', '210000',
    '--name', '辽宁省公物仓', '--admin-password', ADMIN_PASSWORD,
  ])
}

describe('province node 辽宁省 (210000): 报送至中央, 共享广场, 取消调剂共享', () => {
  nodeLifecycle('gwc-flow-province-', initProvinceNode)
  before(() => {
    node = PROVINCE
  })

  test('set-up through the API: two 省本级 units, 省机关事务管理局, 省财政厅, a card', async () => {
    await setUpNode({
      units: [
        { budget_code: '101001', name: '辽宁省教育厅', region: '210000', department: '教育厅', contact_name: '张伟', contact_phone: '024-86891234' },
        { budget_code: '102001', name: '辽宁省卫生健康委员会', region: '210000', department: '卫生健康委员会', contact_name: '刘洋', contact_phone: '024-23388000' },
      ],
      users: [
        { account: P_AUTHORITY, name: '辽宁省机关事务管理局', role: 'authority', region: '210000' },
        { account: P_PROVINCE, name: '辽宁省财政厅资产管理处', role: 'province', region: '210000' },
      ],
      clerk: P_CLERK_A,
      others: [P_REVIEWER_A, P_CLERK_B],
    })
  })

  test('共享 listing: 入仓申请 (是) → 同意 → 调整调剂共享范围 本省 + 审核同意 → 报送至中央 → 共享广场', async () => {
    const { page } = browser
    await as(P_CLERK_A)
    await entryRequest({ national: true, mode: 'share', scope: 'national', shotPrefix: 'flow-p01-entry' })
    await reviewerApproves('entry', 'flow-p02-approvals-entry')

    await as(P_AUTHORITY)
    await openMenu('platform-submissions', '/platform/submissions')
    await page.locator(byTest('submissions-tab-share')).click()
    const row = listingRow('submissions-table', CODE)
    await row.waitFor()
    await settled()
    await row.locator(byTest('listing-act-authority_scope')).click()
    await page.locator(byTest('listing-scope-dialog')).waitFor()
    await page.locator(byTest('listing-final-scope-province')).click()
    await shot(page, 'flow-p03-authority-scope')
    await page.locator(byTest('listing-scope-submit')).click()
    await page.locator(byTest('submissions-table-empty')).waitFor()

    await as(P_PROVINCE)
    assert.equal(await page.locator(byTest('menu-platform-submissions')).count(), 1, '省财政厅 has 调剂数据报送')
    const todo = page.locator(byTest('todo-province_submissions'))
    await todo.waitFor()
    await todo.click()
    await page.waitForURL('**/platform/submissions')
    await page.locator(byTest('submissions-tab-share')).click()
    const pending = listingRow('submissions-table', CODE)
    await pending.waitFor()
    assert.match(await pending.innerText(), /本省/, 'the scope the authority chose')
    await settled()
    await shot(page, 'flow-p04-province-submissions')
    await pending.locator(byTest('listing-act-central_approve')).click()
    await confirmBox('报送至中央')
    await page.locator(byTest('submissions-table-empty')).waitFor()

    await plazaShows(true, 'share')
    await shot(page, 'flow-p05-share-plaza')
    await plazaShows(false, 'transfer')
  })

  test('退仓申请 → 同意 → 取消调剂共享 under 调剂共享平台 › 我的信息 › 共享资产 › 已发布', async () => {
    const { page } = browser
    await as(P_CLERK_A)
    await openMenu('platform-mine', '/platform/mine')
    await page.locator(byTest('pmine-tab-share')).click()
    await page.locator(byTest('pmine-group-published')).click()
    const published = listingRow('pmine-table', CODE)
    await published.waitFor()
    assert.equal(await published.locator(byTest('listing-act-cancel')).count(), 0, '取消调剂共享 only after the 退仓 is approved')
    await page.locator(byTest('pmine-cancel-hint')).waitFor()
    await settled()
    await shot(page, 'flow-p06-platform-mine-published')

    await openMenu('warehouse-exit', '/warehouse/exit')
    const row = listingRow('exit-table', CODE)
    await row.waitFor()
    await settled()
    await row.locator('.el-checkbox').click()
    await fill(page, 'exit-reason', '资产已盘活，下架')
    await page.locator(byTest('exit-submit')).click()
    await page.locator(byTest('exit-table-empty')).waitFor()
    await reviewerApproves('exit', 'flow-p07-approvals-exit')

    await as(P_CLERK_A)
    await openMenu('platform-mine', '/platform/mine')
    await page.locator(byTest('pmine-tab-share')).click()
    await page.locator(byTest('pmine-group-published')).click()
    const again = listingRow('pmine-table', CODE)
    await again.waitFor()
    await settled()
    await again.locator(byTest('listing-act-cancel')).click()
    await confirmBox('取消调剂共享')
    await page.locator(byTest('pmine-group-cancelled')).click()
    await listingRow('pmine-table', CODE).waitFor()
    assert.match(await listingRow('pmine-table', CODE).innerText(), /已取消调剂共享/)
    await settled()
    await shot(page, 'flow-p08-cancelled')

    await plazaShows(false, 'share')
  })
})
