// 统计报表 on the demo node (`gongwucang demo`, 沈阳市): "budget check → report".
//   Set-up through the API: the city's authority (account from 演示账户.txt) checks a budget line of
//   和平区教育局 against the warehouse (a category with matches; 调剂解决 1 ticking one listing, so
//   节约财政资金 = the line's 预算单价); the unit's clerk records the 调剂结果 of one of its listings
//   (a completed transfer this year).
//   The authority: 统计报表 from the menu (this year, 按单位; no 按节点 without figures.read) → the
//   合计 row is the server's `total` cell by cell, its 节约财政资金 the line's 预算单价 → 按主管部门
//   and 按地区: the 合计 unchanged → 上年: the 期间内 figures 0, the 当前 ones unchanged, the charts
//   of the period say they have nothing to show → 本年 again → 导出Excel: the sheet's 合计 row equals
//   the one on screen (元 to the cent, counts exactly) → 未按期入仓单位 as GET /reports/late-units.
//   The clerk of 和平区教育局: only its own unit's row.
// Screenshots: target/browser-screenshots/report-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import readExcelFile from 'read-excel-file/node'
import { apiSession as sharedApiSession, byTest, launchBrowser, login, serverBin, shot, startServer, tempDir } from './helpers.mjs'

const INITIAL = '123qweQWE'
const UNIT = '和平区教育局'
const CLERK = { username: '210102002001jb', password: 'Jiaoyu2025jb' }
/** The city's authority: its account is read from 演示账户.txt. */
const AUTHORITY = { username: '', password: 'Caizheng2025' }
const YEAR = new Date().getFullYear()
/** 预算单价 with cents, so the formatting is seen: ¥1,234.56. */
const UNIT_PRICE_FEN = 123456

/**
 * The columns of the sheet (row 5, after the group name) and the figure each names on screen
 * (`report-total-<field>`): a count, an amount (fen on the server, 元 in the sheet) or 入仓率;
 * `period` for the figures of the period (期间内).
 */
const COLUMNS = [
  ['单位数', 'units', 'count'],
  ['应入仓资产（件）', 'eligible_cards', 'count'],
  ['应入仓原值（元）', 'eligible_value_fen', 'money'],
  ['已入仓资产（件）', 'listed_cards', 'count'],
  ['已入仓原值（元）', 'listed_value_fen', 'money'],
  ['入仓率', 'listed_rate', 'rate'],
  ['在仓·调剂（项）', 'listed_transfer', 'count'],
  ['在仓·共享（项）', 'listed_share', 'count'],
  ['本部门', 'listed_by_scope_0', 'count'],
  ['本区县', 'listed_by_scope_1', 'count'],
  ['本地市', 'listed_by_scope_2', 'count'],
  ['本省', 'listed_by_scope_3', 'count'],
  ['全国', 'listed_by_scope_4', 'count'],
  ['完成调剂（项）', 'completed_transfers', 'count', 'period'],
  ['完成共享（项）', 'completed_shares', 'count', 'period'],
  ['调剂共享原值（元）', 'completed_original_fen', 'money', 'period'],
  ['调剂共享净值（元）', 'completed_net_fen', 'money', 'period'],
  ['预算核对（项）', 'budget_lines', 'count', 'period'],
  ['核对预算金额（元）', 'budget_amount_fen', 'money', 'period'],
  ['调剂解决（件）', 'budget_met_quantity', 'count', 'period'],
  ['节约财政资金（元）', 'budget_value_met_fen', 'money', 'period'],
  ['需求·发布中', 'demands_open', 'count'],
  ['需求·已关闭', 'demands_closed', 'count', 'period'],
  ['调剂意向', 'interests', 'count', 'period'],
  ['洽谈中', 'holds', 'count'],
  ['长期未调剂共享', 'stale_listings', 'count'],
  ['无照片卡片', 'cards_without_photos', 'count'],
  ['存放地点不完整卡片', 'cards_without_location', 'count'],
].map(([header, field, kind, period]) => ({ header, field, kind, period: period === 'period' }))

let server, browser, dataDir
/** Filled in on the way. */
const found = { unit: null, line: null, completed: null, totals: null }

before(async () => {
  browser = await launchBrowser()
  dataDir = await tempDir('gwc-reports-')
  await promisify(execFile)(serverBin, ['demo', '--data', dataDir])
  const accounts = await fs.readFile(path.join(dataDir, '演示账户.txt'), 'utf8')
  const m = /主管部门[^\n]*?(\S+) \/ 123qweQWE/.exec(accounts)
  assert.ok(m, `the authority's account in 演示账户.txt:\n${accounts}`)
  AUTHORITY.username = m[1]
  server = await startServer(dataDir)
  for (const u of [CLERK, AUTHORITY]) await (await apiSession(u.username, INITIAL, u.password)).close()
})

after(async () => {
  await server?.stop()
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true })
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
})

const apiSession = (username, password, newPassword) => sharedApiSession(server.url, username, password, newPassword)

/** GET `p` as `user` through a short API session. */
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

/** Wait until the loading masks are gone (and a moment for the table and charts to lay out). */
async function settled() {
  const { page } = browser
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

/** Integer fen → "1,234.56" (string arithmetic, as the page does). */
function yuan(fen) {
  const n = BigInt(fen)
  const abs = n < 0n ? -n : n
  return `${n < 0n ? '-' : ''}${(abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(abs % 100n).toString().padStart(2, '0')}`
}
const count = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

function valueOf(row, field) {
  const scope = /^listed_by_scope_(\d)$/.exec(field)
  return scope ? row.listed_by_scope[Number(scope[1])] : row[field]
}

/** A ReportRow as the page must show it: field → text. */
function expectedTexts(row) {
  return Object.fromEntries(
    COLUMNS.map((c) => {
      if (c.kind === 'rate') {
        const text = row.eligible_cards ? ((Math.round((row.listed_cards * 1000) / row.eligible_cards) / 10).toFixed(1) + '%') : '—'
        return [c.field, text]
      }
      const v = valueOf(row, c.field)
      return [c.field, c.kind === 'money' ? '¥' + yuan(v) : count(v)]
    }),
  )
}

/** The 合计 row on screen: field → text. */
async function screenTotals() {
  const { page } = browser
  const cells = await page.locator('[data-test^="report-total-"]').evaluateAll((els) =>
    els.map((e) => [e.dataset.test.slice('report-total-'.length), e.textContent.trim()]),
  )
  const totals = Object.fromEntries(cells)
  assert.equal(totals.name, '合计')
  delete totals.name
  return totals
}

/** Wait for the report the page shows: its grouping word and period (from the server's answer). */
async function reportShown(groupWord, from, to) {
  const { page } = browser
  await page.locator(byTest('report-meta')).filter({ hasText: `${groupWord} · 统计期间 ${from} 至 ${to}` }).waitFor()
  await settled()
}

/** Choose a shortcut of the period picker. */
async function periodShortcut(text) {
  const { page } = browser
  await page.locator(`${byTest('report-period')} .el-range-editor`).click()
  await page.locator('.el-picker-panel__shortcut:visible', { hasText: text }).click()
}

const today = () => {
  const d = new Date()
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

describe('统计报表: budget check → report', () => {
  test('set-up (API): the authority checks a budget line (调剂解决 1); the clerk records a 调剂结果', async () => {
    const authority = await apiSession(AUTHORITY.username, AUTHORITY.password)
    found.unit = (await authority.get('/units?q=' + encodeURIComponent(UNIT))).items.find((u) => u.name === UNIT)
    assert.ok(found.unit, UNIT)
    // The categories on offer to other units, most listings first: the first whose line has matches.
    const plaza = (await authority.get('/plaza/warehouse?page_size=100')).items.filter((l) => l.unit_id !== found.unit.id)
    const counts = new Map()
    for (const l of plaza) counts.set(l.card.category, { name: l.card.category_name, n: (counts.get(l.card.category)?.n ?? 0) + 1 })
    const categories = [...counts.entries()].sort((a, b) => b[1].n - a[1].n)
    let matches = []
    for (const [code, { name }] of categories) {
      const line = await authority.post('/budget-checks', {
        unit_id: found.unit.id, year: YEAR + 1, budget_item: '教学办公设备购置', category: code, name,
        spec: '满足日常办公使用', quantity: 2, unit_price_fen: UNIT_PRICE_FEN,
      })
      matches = (await authority.get(`/budget-checks/${line.id}/matches`)).items
      found.line = line
      if (matches.length) break
    }
    assert.ok(matches.length, 'a budget line with listings that could meet it')
    const decided = await authority.post(`/budget-checks/${found.line.id}/outcome`, {
      met_quantity: 1, purchase_quantity: 1, reason: '其余 1 件公物仓中无符合规格要求的资产，按预算购置',
      listing_ids: [matches[0].listing.id],
    })
    assert.equal(decided.state, 'decided')
    assert.equal(decided.outcome.value_met_fen, UNIT_PRICE_FEN)
    await authority.close()

    // The clerk: 无偿调拨 of one of its published listings to another unit, today.
    const clerk = await apiSession(CLERK.username, CLERK.password)
    const listing = (await clerk.get('/listings?group=in_warehouse&page_size=200')).items.find((l) => l.state === 'published')
    assert.ok(listing, `a published listing of ${UNIT}`)
    const receiver = (await clerk.get('/units/directory')).items.find((u) => u.id !== found.unit.id)
    found.completed = await clerk.post(`/listings/${listing.id}/result`, {
      method: 'allocation', receiver_name: receiver.name, receiver_unit_id: receiver.id, receiver_region: receiver.region,
      receiver_budget_code: receiver.budget_code, date: today(), quantity: listing.card.quantity, note: '双方已现场清点，资产完好',
    })
    await clerk.close()
    assert.equal(found.completed.state, 'completed')
  })

  test('the authority: 合计 is the server\'s; 节约财政资金 the line\'s 预算单价; other groupings keep it', async () => {
    const { page } = browser
    const me = await apiGet(AUTHORITY, '/me')
    assert.ok(me.permissions.includes('reports.read'))
    assert.ok(!me.permissions.includes('figures.read'), 'an authority does not see the nodes below')
    await as(AUTHORITY)
    await page.locator(byTest('menu-reports-summary')).click()
    await page.waitForURL('**/reports')
    await reportShown('按单位', `${YEAR}-01-01`, today())
    assert.equal(await page.locator(byTest('report-group-node')).count(), 0, 'no 按节点 without figures.read')
    assert.match(await page.locator('.el-radio-button.is-active').innerText(), /按单位/)

    const api = await apiGet(AUTHORITY, '/reports/summary')
    assert.equal(api.grouping, 'unit')
    const totals = await screenTotals()
    assert.deepEqual(totals, expectedTexts(api.total), 'every 合计 cell is the server\'s total')
    assert.equal(totals.budget_value_met_fen, '¥1,234.56', '节约财政资金 = 预算单价 × 1')
    assert.equal(totals.completed_transfers, '1', 'the transfer recorded today')
    assert.equal(await page.locator(byTest('report-kpi-saved-value')).innerText(), '¥1,234.56')
    assert.equal(await page.locator(byTest('report-kpi-completed-value')).innerText(), '1 项')
    // One row per unit, in the server's order.
    const rowKeys = await page.locator('.report-table [data-test^="report-row-"]').evaluateAll((els) =>
      els.map((e) => e.dataset.test.slice('report-row-'.length)),
    )
    assert.deepEqual(rowKeys, api.rows.map((r) => r.key))
    const unitRow = page.locator('tr.el-table__row', { has: page.locator(byTest('report-row-' + found.unit.id)) })
    assert.equal(await unitRow.locator(byTest('report-cell-budget_value_met_fen')).innerText(), '¥1,234.56')
    // The charts drew (a canvas each) where there is something to show.
    await page.locator(`${byTest('report-chart-entry-canvas')} canvas`).waitFor()
    await page.locator(`${byTest('report-chart-structure-canvas')} canvas`).waitFor()
    await page.locator(`${byTest('report-chart-completed-canvas')} canvas`).waitFor()
    await page.locator(byTest('report-chart-entry-note')).filter({ hasText: '图中为应入仓原值最高的 15 个' }).waitFor()
    found.totals = totals
    await page.waitForTimeout(400)
    await shot(page, 'report-01-top')
    // 操作说明: what 期间内 / 当前, 入仓率 and 节约财政资金 mean.
    const guide = page.locator(byTest('report-guide'))
    await guide.locator('.el-collapse-item__header').click()
    for (const words of ['期间内', '当前', '入仓率 = 已入仓资产件数 ÷ 应入仓资产件数', '节约财政资金 =']) {
      await guide.locator('.guide-steps').filter({ hasText: words }).waitFor()
    }
    await shot(page, 'report-02-guide')
    await guide.locator('.el-collapse-item__header').click()
    await guide.locator('.guide-steps').waitFor({ state: 'hidden' })
    await page.locator(byTest('report-chart-structure')).scrollIntoViewIfNeeded()
    await shot(page, 'report-03-charts')
    await page.locator(byTest('report-table')).scrollIntoViewIfNeeded()
    await shot(page, 'report-04-table')
    // The figures on the right: the name column stays in view.
    await page.locator('.report-table .el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => (el.scrollLeft = el.scrollWidth))
    await page.waitForTimeout(200)
    assert.ok(await page.locator(byTest('report-row-' + found.unit.id)).isVisible(), 'the name column is fixed')
    await shot(page, 'report-04b-table-right')
    await page.locator('.report-table .el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => (el.scrollLeft = 0))

    for (const [group, word] of [['department', '按主管部门'], ['region', '按地区']]) {
      await page.locator(byTest('report-group-' + group)).click()
      await reportShown(word, `${YEAR}-01-01`, today())
      assert.deepEqual(await screenTotals(), totals, `${word}: the same 合计`)
      const byGroup = await apiGet(AUTHORITY, `/reports/summary?group=${group}`)
      assert.equal(await page.locator('.report-table [data-test^="report-row-"]').count(), byGroup.rows.length)
    }
    assert.equal(await page.locator('.report-table thead th').first().innerText(), '地区')
    await page.locator(byTest('report-kpis')).scrollIntoViewIfNeeded()
    await shot(page, 'report-05-by-region')
  })

  test('上年: the 期间内 figures are 0, the 当前 ones stay; the period\'s charts say so', async () => {
    const { page } = browser
    await periodShortcut('上年')
    await reportShown('按地区', `${YEAR - 1}-01-01`, `${YEAR - 1}-12-31`)
    const lastYear = await screenTotals()
    const api = await apiGet(AUTHORITY, `/reports/summary?group=region&from=${YEAR - 1}-01-01&to=${YEAR - 1}-12-31`)
    assert.deepEqual(lastYear, expectedTexts(api.total))
    for (const c of COLUMNS) {
      if (c.period) assert.equal(lastYear[c.field], c.kind === 'money' ? '¥0.00' : '0', `${c.header}: nothing last year`)
      else assert.equal(lastYear[c.field], found.totals[c.field], `${c.header}: 当前, whatever the period`)
    }
    await page.locator(byTest('report-chart-completed-canvas-empty')).filter({ hasText: '统计期间内尚无完成的调剂共享' }).waitFor()
    assert.equal(await page.locator(byTest('report-kpi-saved-value')).innerText(), '¥0.00')
    await page.locator(byTest('report-kpis')).scrollIntoViewIfNeeded()
    await shot(page, 'report-06-last-year')

    await periodShortcut('本年')
    await reportShown('按地区', `${YEAR}-01-01`, today())
    assert.deepEqual(await screenTotals(), found.totals)
  })

  test('导出Excel: the sheet\'s 合计 row is the one on screen', async () => {
    const { page } = browser
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(byTest('report-export')).click()])
    assert.equal(download.suggestedFilename(), '统计报表.xlsx')
    const file = path.join(dataDir, 'report.xlsx')
    await download.saveAs(file)
    const sheets = await readExcelFile(file)
    assert.deepEqual(sheets.map((s) => s.sheet), ['统计报表', '未按期入仓单位'])
    const data = sheets[0].data
    assert.match(String(data[1][0]), new RegExp(`${YEAR}-01-01 至 ${today()}`))
    const header = data[4]
    assert.equal(header[0], '地区')
    assert.deepEqual(header.slice(1), COLUMNS.map((c) => c.header))
    const api = await apiGet(AUTHORITY, '/reports/summary?group=region')
    const total = data.find((r) => r[0] === '合计')
    assert.ok(total, 'a 合计 row')
    assert.equal(data.indexOf(total), 5 + api.rows.length, 'after one row per group')
    const screen = await screenTotals()
    COLUMNS.forEach((c, i) => {
      const cell = total[i + 1]
      const shown = screen[c.field]
      if (c.kind === 'money') {
        assert.equal(typeof cell, 'number', c.header)
        assert.equal(yuan(Math.round(cell * 100)), shown.replace('¥', ''), `${c.header}: 元 to the cent`)
      } else if (c.kind === 'rate') {
        if (shown === '—') assert.equal(cell, '—')
        else assert.ok(Math.abs(cell * 100 - parseFloat(shown)) < 0.051, `入仓率 ${cell} vs ${shown}`)
      } else {
        assert.equal(count(cell), shown, `${c.header}: exactly`)
      }
    })
  })

  test('未按期入仓单位: the units of GET /reports/late-units, most value first', async () => {
    const { page } = browser
    const late = await apiGet(AUTHORITY, '/reports/late-units')
    assert.ok(late.items.length >= 1, 'the demo has units late to list idle assets')
    const panel = page.locator(byTest('late-units'))
    await panel.scrollIntoViewIfNeeded()
    assert.match(
      await page.locator(byTest('late-deadline')).innerText(),
      new RegExp(`入仓截止日期 ${late.deadline} 后仍有闲置资产未入仓的单位，可据此督促`),
    )
    const ids = await panel.locator('[data-test^="late-row-"]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(9)))
    assert.deepEqual(ids, late.items.map((l) => l.unit_id))
    const first = panel.locator('tr.el-table__row').first()
    const text = await first.innerText()
    const l = late.items[0]
    for (const part of [l.unit_name, l.department, l.contact_name, l.contact_phone, count(l.unlisted_cards), '¥' + yuan(l.unlisted_value_fen)]) {
      assert.ok(text.includes(part), `the first row shows ${part}: ${text}`)
    }
    assert.equal(await page.locator(byTest('report-kpi-late-value')).innerText(), `${late.items.length} 个`)
    await shot(page, 'report-07-late-units')
  })

  test('the clerk of 和平区教育局 sees only its own unit\'s row', async () => {
    const { page } = browser
    await as(CLERK)
    await page.locator(byTest('menu-reports-summary')).click()
    await page.waitForURL('**/reports')
    await reportShown('按单位', `${YEAR}-01-01`, today())
    const keys = await page.locator('.report-table [data-test^="report-row-"]').evaluateAll((els) => els.map((e) => e.dataset.test))
    assert.deepEqual(keys, ['report-row-' + found.unit.id])
    assert.equal(await page.locator(byTest('report-row-' + found.unit.id)).innerText(), UNIT)
    const api = await apiGet(CLERK, '/reports/summary')
    assert.deepEqual(await screenTotals(), expectedTexts(api.total))
    assert.equal((await screenTotals()).budget_value_met_fen, '¥1,234.56', 'its own budget line')
    const late = await apiGet(CLERK, '/reports/late-units')
    const lateIds = await page.locator('[data-test^="late-row-"]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(9)))
    assert.deepEqual(lateIds, late.items.map((l) => l.unit_id))
    assert.ok(lateIds.every((id) => id === found.unit.id), 'no other unit in its late list')
    await page.waitForTimeout(400)
    await shot(page, 'report-08-clerk')
    await page.locator(byTest('report-table')).scrollIntoViewIfNeeded()
    await shot(page, 'report-09-clerk-table')
  })
})
