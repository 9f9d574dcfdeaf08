// Federation through the 数据交换 pages (issue 5): three nodes — a city (沈阳市, 210100), its
// province (辽宁省, 210000) and the national node (100000) — each in its own browser (cookies do
// not tell ports apart), files carried by hand (download → upload).
//   set-up (API): the peers registered both ways; in 沈阳 a unit's clerk, reviewer and the
//   authority bring a 全国 listing to 待省财政厅报送 and publish a 全国 demand; the province has a
//   省本级 unit with one card, a 省财政厅 user, the national node a 全国平台运营 user;
//   city admin exports (on a slow network: the download's progress) → province admin picks the
//   file (the upload's percent), inspects it (入仓资产 1 条、需求 1 条) and imports
//   → 省财政厅's 上报统计数据: the city's figures (they came with its bundle), the province's own
//   and their 合计 as the server sums them
//   → 省财政厅 sees the listing under 调剂数据报送 “来自 沈阳市财政局公物仓” and 报送至中央s it
//   → province admin exports down → city admin imports → the city clerk sees 已报送至中央 and the
//   调剂广场 says 数据截至 … (Beijing time)
//   → province admin exports up → national admin imports → the national 调剂广场 and 需求广场
//   show both with their origin, the detail page its 来源节点, and no 数据截至 (no parent)
//   → the national admin opens 上报统计数据 from 数据交换: the province and, relayed by it, the city
//   → the province admin 停用s the city; a new city bundle is refused (停用), no export to it.
// The tests share the servers and browsers and run in order. Screenshots: fed-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  apiSession, byTest, createUser, fill, loginAt as as, offerComputer, openMenu, registerPeer as register, settled, shot,
  startNode, stopNodes, tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const CODE = 'ZC2024000108'
const CITY_NAME = '沈阳市财政局公物仓'
const UNIT_NAME = '沈阳市和平区教育局'
const PROVINCE_UNIT_NAME = '辽宁省机关事务管理局'

const CLERK = { username: '210102001001jb', password: 'Heping2025jb' }
const REVIEWER = { username: '210102001001', password: 'Heping2025sh' }
const AUTHORITY = { username: 'sy-czj', password: 'Shenyang2025cz', name: '沈阳市财政局资产管理处' }
const PROVINCE_USER = { username: 'ln-czt', password: 'Liaoning2025p' }
const NATIONAL_USER = { username: 'mof-zcs', password: 'Caizheng2025n' }

/** The three nodes: data folder, server, browser, GET /node. */
const nodes = {
  city: { kind: 'local', region: '210100', name: CITY_NAME },
  province: { kind: 'province', region: '210000', name: '辽宁省财政厅' },
  national: { kind: 'national', region: '100000', name: '财政部' },
}
const { city, province, national } = nodes
let fileDir
const ids = {}

before(async () => {
  fileDir = await tempDir('gwc-fed-files-')
  for (const n of Object.values(nodes)) await startNode(n)
  await register(city, province, 'parent', '辽宁省财政厅')
  await register(province, city, 'child', CITY_NAME)
  await register(province, national, 'parent', '财政部')
  await register(national, province, 'child', '辽宁省财政厅')
  await setUpCity()
  await setUpProvinceUnit()
  await createUser(province, PROVINCE_USER, '辽宁省财政厅资产管理处', 'province')
  await createUser(national, NATIONAL_USER, '财政部资产管理司', 'national')
})

after(async () => {
  await stopNodes(Object.values(nodes))
  if (fileDir) await fs.rm(fileDir, { recursive: true, force: true })
})

// ---------------------------------------------------------------- API set-up

/**
 * 沈阳: a unit (its clerk and reviewer), the authority; an idle computer with photos listed for
 * the whole country, approved by the reviewer and the authority (待省财政厅报送); a demand for the
 * whole country, published by the reviewer.
 */
async function setUpCity() {
  ids.listing = await offerComputer(city, {
    unit: {
      budget_code: '001001', name: UNIT_NAME, region: '210102', department: '教育局',
      contact_name: '王芳', contact_phone: '024-22821903',
    },
    clerk: CLERK, reviewer: REVIEWER, authority: AUTHORITY, code: CODE, scope: 'national',
  })
  const clerk = await apiSession(city.server.url, CLERK.username, CLERK.password)
  const reviewer = await apiSession(city.server.url, REVIEWER.username, REVIEWER.password)
  const demand = await clerk.post('/demands', {
    category: 'A02021003', name: 'A4黑白打印机', quantity: 2, expected_on: '2027-03-01',
    contact_name: '王芳', contact_phone: '024-22821903', scope: 'national', submit: true,
  })
  await reviewer.post(`/demands/${demand.id}/submit`, { scope: 'national' })
  ids.demand = demand.id
  for (const s of [clerk, reviewer]) await s.close()
}

/** 辽宁省 (the province node): a 省本级 unit with one card in use, the province's own figures. */
async function setUpProvinceUnit() {
  await province.admin.post('/units', {
    budget_code: '002001', name: PROVINCE_UNIT_NAME, region: '210000', department: '机关事务管理局',
    unit_type: 'administrative', physical_warehouse: false, contact_name: '李强', contact_phone: '024-23448866',
  })
  const clerk = await apiSession(province.server.url, '210000002001jb', INITIAL, 'Shengji2025jb')
  await clerk.post('/cards', {
    asset_code: 'ZC2023000017', name: '会议桌', category: 'A05010202', spec: '2400×1200', brand: '震旦', quantity: 1,
    measure_unit: '张', acquired_on: '2023-04-12', original_value_fen: 320000, net_value_fen: 256000,
    status: 'in_use', shared: false, using_department: '办公室',
  })
  await clerk.close()
}

// ---------------------------------------------------------------- UI helpers

/**
 * A network of `bytesPerSecond` both ways for the page (Chromium's emulation), so that the
 * progress of a download or upload stays on the screen long enough to be seen; null: full speed.
 */
async function throttle(page, bytesPerSecond) {
  // The emulation lasts as long as its CDP session: one per page, kept open.
  if (!cdpSessions.has(page)) {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    cdpSessions.set(page, cdp)
  }
  const rate = bytesPerSecond ?? -1
  await cdpSessions.get(page).send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: rate, uploadThroughput: rate,
  })
}
const cdpSessions = new WeakMap()

/**
 * As the admin of `from`: 数据交换 › 导出数据包 for `to`; the downloaded file's path.
 * `watch`: on a slow network, the progress of the download is shown meanwhile.
 */
async function exportBundle(from, to, name, { watch = false } = {}) {
  const page = await as(from)
  await openMenu(page, 'exchange', '/system/exchange')
  const button = page.locator(byTest(`export-${to.node.node_id}`))
  await button.waitFor()
  if (watch) await throttle(page, 24_000)
  const downloaded = page.waitForEvent('download')
  await button.click()
  if (watch) {
    const progress = page.locator(byTest(`export-progress-${to.node.node_id}`))
    await progress.filter({ hasText: /正在下载数据包：[\d.]+ K?B \/ [\d.]+ KB[\s\S]*\d+%/ }).waitFor()
    await shot(page, 'fed-00-city-export-progress')
  }
  const download = await downloaded
  if (watch) await throttle(page, null)
  const file = path.join(fileDir, `${name}.gwcb`)
  await download.saveAs(file)
  await page.locator('.el-message--success', { hasText: '数据包已下载' }).waitFor()
  return file
}

/**
 * As the admin of `n`: pick `file` under 导入数据包; the page shows its inspection.
 * `watch`: on a slow network, the upload's progress (percent) is shown meanwhile.
 */
async function inspectBundle(n, file, { watch = false } = {}) {
  const page = await as(n)
  await openMenu(page, 'exchange', '/system/exchange')
  if (watch) await throttle(page, 24_000)
  await page.locator(`${byTest('import-bundle-file')} input[type=file]`).setInputFiles(file)
  if (watch) {
    const progress = page.locator(byTest('import-progress'))
    await progress.filter({ hasText: new RegExp(`正在上传 ${path.basename(file)}[\\s\\S]*\\d+%`) }).waitFor()
    await progress.scrollIntoViewIfNeeded()
    await shot(page, 'fed-00-province-upload-progress')
  }
  await page.locator(byTest('inspection')).waitFor({ timeout: 30_000 })
  if (watch) await throttle(page, null)
  return page
}

/** 确认导入 of the inspected file; the message says 已导入. */
async function confirmImport(page) {
  assert.equal(await page.locator(byTest('inspect-refused')).count(), 0)
  await page.locator(byTest('import-confirm')).click()
  await page.locator('.el-message--success', { hasText: '已导入' }).waitFor()
  await page.locator(byTest('inspection')).waitFor({ state: 'hidden' })
}

/** The row of `table` (data-test) showing the listing of asset CODE. */
function listingRow(page, table) {
  return page.locator(byTest(table)).locator('tr.el-table__row', { has: page.locator(byTest('listing-row-' + CODE)) })
}

/** The row of 上报统计数据 (`own`, `total` or a node id) and one of its figures as shown. */
function figuresRow(page, key) {
  return page.locator(byTest('figures-table')).locator('tr.el-table__row', { has: page.locator(byTest('figures-row-' + key)) })
}
async function figureText(row, key) {
  return (await row.locator(byTest('figures-' + key)).innerText()).replace(/\s+/g, ' ').trim()
}

/** A figure as 上报统计数据 shows it: "2 张 ¥8,880.00", "1 条". */
function shownFigure(value, unit) {
  if (typeof value === 'number') return `${value} 条`
  const yuan = `${Math.trunc(value.value_fen / 100).toLocaleString('en-US')}.${String(value.value_fen % 100).padStart(2, '0')}`
  return `${value.count} ${unit} ¥${yuan}`
}
const FIGURE_UNITS = {
  cards: '张', idle: '张', in_warehouse: '条', on_platform: '条', completed: '条', allocated: '条', demands_open: '', demands_met: '',
}

/** "2026-11-27T08:00:00Z" → "2026-11-27 16:00" (UTC+8), as 数据截至 shows it. */
function beijing(rfc3339) {
  return new Date(new Date(rfc3339).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

// ---------------------------------------------------------------- tests

test('the city admin exports to the province; the province admin inspects and imports the bundle', async () => {
  const file = await exportBundle(city, province, 'city-up-1', { watch: true })

  const page = await inspectBundle(province, file, { watch: true })
  assert.equal(await page.locator(byTest('inspect-signature')).innerText(), '签名有效')
  assert.match(await page.locator(byTest('inspect-sender-name')).innerText(), /沈阳市财政局公物仓/)
  const contents = await page.locator(byTest('inspection')).innerText()
  assert.match(contents, /入仓资产 1 条/, contents)
  assert.match(contents, /需求 1 条/, contents)
  await page.locator(byTest('import-confirm')).scrollIntoViewIfNeeded()
  await shot(page, 'fed-01-province-inspect')
  await confirmImport(page)
  await page.locator(byTest('history-table')).getByText('已导入', { exact: true }).waitFor()
})

test('省财政厅 sees under 上报统计数据 the figures 沈阳 sent with its bundle, and the 合计 with its own', async () => {
  const page = await as(province, PROVINCE_USER)
  await page.locator(byTest('menu-group-exchange')).locator(byTest('menu-platform-figures')).click()
  await page.waitForURL('**/platform/figures')
  const cityRow = figuresRow(page, city.node.node_id)
  await cityRow.waitFor()
  await settled(page)

  const user = await apiSession(province.server.url, PROVINCE_USER.username, PROVINCE_USER.password)
  const report = await user.get('/reports/nodes')
  await user.close()
  assert.deepEqual(report.reported.map((n) => n.node), [city.node.node_id], 'the city reported with its bundle')
  const [reported] = report.reported

  assert.match(await cityRow.innerText(), new RegExp(`沈阳市[\\s\\S]*${CITY_NAME}[\\s\\S]*${beijing(reported.as_of)}`))
  assert.equal(await figureText(cityRow, 'cards'), '1 张 ¥5,680.00', 'the idle computer')
  assert.equal(await figureText(cityRow, 'idle'), '1 张 ¥5,680.00')
  assert.equal(await figureText(cityRow, 'demands_open'), '1 条')
  const own = figuresRow(page, 'own')
  assert.match(await own.innerText(), /本节点[\s\S]*辽宁省[\s\S]*辽宁省财政厅/)
  assert.equal(await figureText(own, 'cards'), '1 张 ¥3,200.00', 'the 省本级 unit\'s 会议桌')

  // 合计 = own + city in every column, as the server summed it.
  const total = figuresRow(page, 'total')
  assert.match(await total.innerText(), /^合计/)
  for (const [key, unit] of Object.entries(FIGURE_UNITS)) {
    const sum = typeof report.total[key] === 'number'
      ? report.own.figures[key] + reported.figures[key]
      : { count: report.own.figures[key].count + reported.figures[key].count,
          value_fen: report.own.figures[key].value_fen + reported.figures[key].value_fen }
    assert.deepEqual(report.total[key], sum, `合计 ${key}`)
    assert.equal(await figureText(total, key), shownFigure(sum, unit), `合计 ${key} as shown`)
  }
  assert.equal(await figureText(total, 'cards'), '2 张 ¥8,880.00')
  assert.equal(await page.locator(byTest('figures-empty')).count(), 0)
  await shot(page, 'fed-10-province-figures')
})

test('省财政厅 sees the listing from 沈阳 under 调剂数据报送 and 报送至中央s it', async () => {
  const page = await as(province, PROVINCE_USER)
  const todo = page.locator(byTest('todo-province_submissions'))
  await todo.waitFor()
  await todo.click()
  await page.waitForURL('**/platform/submissions')
  const row = listingRow(page, 'submissions-table')
  await row.waitFor()
  await settled(page)
  assert.equal(await row.locator(byTest('origin-tag')).innerText(), `来自 ${CITY_NAME}`)
  assert.match(await row.innerText(), new RegExp(UNIT_NAME))
  await shot(page, 'fed-02-province-submissions')

  await row.locator(byTest('listing-act-central_approve')).click()
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: '报送至中央', exact: true }) })
  await box.getByRole('button', { name: '报送至中央', exact: true }).click()
  await page.locator(byTest('submissions-table-empty')).waitFor()

  // The city's demand is in the province's 需求广场, with its origin; nothing from 财政部 yet.
  await openMenu(page, 'platform-demand-plaza', '/platform/demand-plaza')
  await page.locator(byTest('dplaza-grid')).locator(byTest('origin-tag')).first().waitFor()
  assert.equal(
    await page.locator(byTest('plaza-freshness')).innerText(),
    '尚未收到财政部的数据包，平台广场只显示本节点的信息',
  )
  assert.match(await page.locator(byTest('dplaza-grid')).innerText(), /A4黑白打印机[\s\S]*来自 沈阳市财政局公物仓/)
  await settled(page)
  await shot(page, 'fed-03-province-demand-plaza')
})

test('back down in 沈阳: the clerk sees 已报送至中央, and 调剂广场 says 数据截至 …', async () => {
  const file = await exportBundle(province, city, 'province-down-1')
  const admin = await inspectBundle(city, file)
  assert.match(await admin.locator(byTest('inspect-sender-name')).innerText(), /辽宁省财政厅/)
  await confirmImport(admin)

  const page = await as(city, CLERK)
  await openMenu(page, 'platform-mine', '/platform/mine')
  await page.locator(byTest('pmine-group-published')).click()
  const row = listingRow(page, 'pmine-table')
  await row.waitFor()
  assert.match(await row.innerText(), /已报送至中央/)
  assert.equal(await row.locator(byTest('origin-tag')).count(), 0, 'its own listing has no origin')

  await openMenu(page, 'platform-transfer', '/platform/transfer')
  await page.locator(byTest('plaza-item-' + CODE)).waitFor()
  const clerk = await apiSession(city.server.url, CLERK.username, CLERK.password)
  const fresh = await clerk.get('/plaza/freshness')
  await clerk.close()
  assert.equal(fresh.parent_name, '辽宁省财政厅')
  assert.equal(
    await page.locator(byTest('plaza-freshness')).innerText(),
    `数据截至 ${beijing(fresh.as_of)}（来自辽宁省财政厅的最新数据包）`,
  )
  await settled(page)
  await shot(page, 'fed-04-city-transfer-plaza')

  // Not on the 公物仓广场: it shows only this node's listings.
  await openMenu(page, 'warehouse-plaza', '/warehouse/plaza')
  await page.locator(byTest('plaza-item-' + CODE)).waitFor()
  assert.equal(await page.locator(byTest('plaza-freshness')).count(), 0)
})

test('up to the national node: its plazas show where the listing and the demand come from', async () => {
  const file = await exportBundle(province, national, 'province-up-1')
  await confirmImport(await inspectBundle(national, file))

  const page = await as(national, NATIONAL_USER)
  await openMenu(page, 'platform-transfer', '/platform/transfer')
  const item = page.locator(byTest('plaza-item-' + CODE))
  await item.waitFor()
  assert.equal(await item.locator(byTest('origin-tag')).innerText(), `来自 ${CITY_NAME}`)
  assert.equal(await page.locator(byTest('plaza-freshness')).count(), 0, 'the national node has no parent')
  await page.locator(byTest('plaza-view-table')).click()
  const table = page.locator(byTest('plaza-table'))
  await table.locator(byTest('origin-tag')).waitFor()
  assert.match(await table.innerText(), new RegExp(`${UNIT_NAME}[\\s\\S]*来自 ${CITY_NAME}`))
  await settled(page)
  await shot(page, 'fed-05-national-transfer-plaza')

  await table.locator('tr.el-table__row').first().click()
  await page.waitForURL(/\/listings\/[^/]+$/)
  await page.locator(byTest('listing-facts')).waitFor()
  assert.equal(await page.locator(byTest('listing-unit')).innerText(), UNIT_NAME)
  assert.equal(await page.locator(byTest('listing-origin')).innerText(), CITY_NAME)
  assert.ok((await page.locator('.summary').innerText()).includes(city.node.node_id), 'the origin node id')
  await page.locator(byTest('listing-remote-card')).waitFor()
  assert.equal(await page.locator(byTest('listing-gallery')).locator('img.strip-thumb').count(), 2, 'the photos came along')
  assert.equal(await page.locator('[data-test^="listing-act-"]').count(), 0, 'a received listing offers no actions here')
  assert.equal(await page.locator('a[href^="/cards/"]').count(), 0, 'no way to a card that lives on another node')
  await settled(page)
  await shot(page, 'fed-06-national-listing-detail')

  await openMenu(page, 'platform-demand-plaza', '/platform/demand-plaza')
  await page.locator(byTest('dplaza-grid')).locator(byTest('origin-tag')).waitFor()
  assert.match(await page.locator(byTest('dplaza-grid')).innerText(), /A4黑白打印机[\s\S]*来自 沈阳市财政局公物仓/)
})

test('the national admin opens 上报统计数据 from 数据交换: the province and, relayed by it, the city', async () => {
  const page = await as(national)
  await openMenu(page, 'exchange', '/system/exchange')
  await page.locator(byTest('exchange-figures')).click()
  await page.waitForURL('**/platform/figures')
  const provinceRow = figuresRow(page, province.node.node_id)
  await provinceRow.waitFor()
  await settled(page)
  assert.match(await provinceRow.innerText(), /辽宁省[\s\S]*辽宁省财政厅/)
  assert.equal(await figureText(provinceRow, 'cards'), '1 张 ¥3,200.00', 'the province counts only its own unit')
  const cityRow = figuresRow(page, city.node.node_id)
  assert.match(await cityRow.innerText(), new RegExp(`沈阳市[\\s\\S]*${CITY_NAME}`))
  assert.equal(await figureText(cityRow, 'cards'), '1 张 ¥5,680.00')
  assert.equal(await figureText(figuresRow(page, 'own'), 'cards'), '0 张 ¥0.00', 'no units at the national node')
  assert.equal(await figureText(figuresRow(page, 'total'), 'cards'), '2 张 ¥8,880.00')
  await shot(page, 'fed-11-national-figures')
})

test('the province admin 停用s the city: its new bundle is refused, nothing more is exported to it', async () => {
  const page = await as(province)
  await openMenu(page, 'exchange', '/system/exchange')
  const cityId = city.node.node_id
  assert.equal(await page.locator(byTest('peer-status-' + cityId)).innerText(), '正常')
  await page.locator(byTest('peer-revoke-' + cityId)).click()
  const dialog = page.locator(byTest('peer-revoke-dialog'))
  await dialog.getByText('停用后将拒绝该节点发来的数据包，也不再向其导出；对方更换密钥后请登记新的节点编号。').waitFor()
  assert.ok(await page.locator(byTest('peer-revoke-confirm')).isDisabled(), 'a reason is required')
  await fill(page, 'peer-revoke-reason', '对方更换了密钥')
  await shot(page, 'fed-07-province-revoke-dialog')
  await page.locator(byTest('peer-revoke-confirm')).click()
  await page.locator('.el-message--success', { hasText: '已停用下级节点' }).waitFor()
  await dialog.waitFor({ state: 'hidden' })

  await page.locator(byTest('peer-status-' + cityId)).filter({ hasText: '已停用' }).waitFor()
  const peers = await page.locator(byTest('peers-table')).innerText()
  assert.match(peers, /已停用[\s\S]*原因：对方更换了密钥/)
  assert.equal(await page.locator(byTest('peer-revoke-' + cityId)).count(), 0, 'no second 停用')
  assert.ok(await page.locator(byTest('export-' + cityId)).isDisabled(), 'no export to a 停用 peer')
  assert.ok(!(await page.locator(byTest('export-' + national.node.node_id)).isDisabled()), 'the other peer still works')
  await settled(page)
  await shot(page, 'fed-08-province-peer-revoked')

  const file = await exportBundle(city, province, 'city-up-2')
  const inspected = await inspectBundle(province, file)
  const refusal = inspected.locator(`${byTest('inspection')} ${byTest('inspect-refused')}`)
  await refusal.waitFor()
  assert.match(await refusal.innerText(), /不能导入此文件[\s\S]*停用（对方更换了密钥）/)
  assert.ok(await inspected.locator(byTest('import-confirm')).isDisabled(), 'a 停用 peer\'s file cannot be imported')
  await refusal.scrollIntoViewIfNeeded()
  await shot(inspected, 'fed-09-province-refused')
})
