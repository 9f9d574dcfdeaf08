// 关注 and 配置预算衔接 on the demo node (`gongwucang demo`, 沈阳市):
//   关注: the clerk of 和平区教育局 has no watch_new to-do → 虚拟公物仓 › 我的关注 (empty) → adds a
//   watch for the asset category with the most listings it may see (found through the API) → the
//   list shows 符合条件 N 项 and 新发布 N 项 → the to-do “N 项关注的资产有新发布” → 查看: the
//   listings, each marked 新, names linking to the detail page → the look is recorded: 新发布 is
//   gone from the list and the to-do item from the home page → the same watch again: the
//   server's message → 取消关注 (confirm) → empty → 公物仓广场's 关注此类资产 adds it again.
//   配置预算衔接: the city's authority (from 演示账户.txt) → 调剂共享平台 › 配置预算衔接 (next year,
//   empty) → 新增核对 for 和平区教育局 in a category with listings on offer (资产名称 from the
//   category, 预算金额 computed) → 保存并核对 → the matches with their reasons → ticks one,
//   调剂解决 1 (仍需购置 follows: quantity − 1), reason → 确认核定 → the outcome read-only
//   (节约财政资金 = 预算单价 × 1) → the list: 已核定, 1 / quantity−1, 节约财政资金, the year's
//   summary → a second line (保存) → 核对 with 仍需购置 > 0 and no reason: the server's message.
// Screenshots: target/browser-screenshots/watch-*.png, budget-*.png.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  apiSession as sharedApiSession, byTest, fill, inputOf, launchBrowser, login, serverBin, shot, startServer, tempDir,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const UNIT = '和平区教育局'
const CLERK = { username: '210102002001jb', password: 'Jiaoyu2025jb' }
/** The city's authority: its account is read from 演示账户.txt. */
const AUTHORITY = { username: '', password: 'Caizheng2025' }
const NEXT_YEAR = new Date().getFullYear() + 1

let server, browser, dataDir
/** Filled in on the way. */
const found = { category: null, categoryName: '', matches: 0, watch: null, unitId: '', budgetCategory: null, first: null }

before(async () => {
  browser = await launchBrowser()
  dataDir = await tempDir('gwc-watch-budget-')
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

async function openMenu(id, p) {
  const { page } = browser
  await page.locator(byTest('menu-' + id)).click()
  await page.waitForURL('**' + p + '*')
}

/** Wait until the loading masks are gone (and a moment for the table to lay out). */
async function settled() {
  const { page } = browser
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

async function confirmBox(button) {
  const { page } = browser
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

const message = (kind, text) => browser.page.locator(`.el-message--${kind}`, { hasText: text })

/** The home page's to-do items, once loaded. */
async function todoKinds() {
  const { page } = browser
  await page.goto(new URL('/', server.url).href)
  await page.locator(byTest('home-title')).waitFor()
  await page.locator(`${byTest('home-empty')}, .todo-card`).first().waitFor()
  await settled()
  return page.locator('.todo-card').evaluateAll((cards) => cards.map((c) => c.dataset.test))
}

/**
 * The leaf category with the most listings in `items` not of `unitId`: {code, name, count}.
 * `sameName`: only listings named as their category (so a budget line named so matches by name too).
 */
function busiestCategory(items, unitId, { sameName = false } = {}) {
  const counts = new Map()
  for (const l of items) {
    if (l.unit_id === unitId) continue
    if (sameName && l.card.name !== l.card.category_name) continue
    const c = counts.get(l.card.category) ?? { code: l.card.category, name: l.card.category_name, count: 0 }
    c.count++
    counts.set(c.code, c)
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))[0]
}

/** Pick `code` in the CategoryPicker `id` through its search box. */
async function pickCategory(id, name, code) {
  const { page } = browser
  await fill(page, id + '-search', name)
  await page.locator(byTest(`${id}-option-${code}`)).click()
}

describe('关注: a clerk follows an asset category', () => {
  test('我的关注: add a watch, 新 listings, the to-do before and after looking', async () => {
    const { page } = browser
    const me = await apiGet(CLERK, '/me')
    assert.ok(me.permissions.includes('watches.manage'))
    const plaza = await apiGet(CLERK, '/plaza/warehouse?page_size=100')
    const busiest = busiestCategory(plaza.items, me.user.unit_id)
    assert.ok(busiest.count >= 2, `a category with several listings the clerk may see: ${JSON.stringify(busiest)}`)
    found.category = busiest.code
    found.categoryName = busiest.name

    await as(CLERK)
    assert.ok(!(await todoKinds()).includes('todo-watch_new'), 'no watch, no watch_new to-do')
    await openMenu('warehouse-watches', '/warehouse/watches')
    await page.locator(byTest('watches-notice')).filter({ hasText: '关注资产分类或关键词，有新的符合条件的资产入仓或发布时，将在首页待办中提醒' }).waitFor()
    await page.locator(byTest('watches-empty')).waitFor()
    assert.ok(await page.locator(byTest('watch-add')).isDisabled(), 'nothing chosen yet: 添加关注 is off')
    await shot(page, 'watch-01-empty')

    await pickCategory('watch-category', found.categoryName, found.category)
    await shot(page, 'watch-02-form')
    await page.locator(byTest('watch-add')).click()
    await message('success', '已添加关注').waitFor()
    const watches = (await apiGet(CLERK, '/watches')).items
    assert.equal(watches.length, 1)
    found.watch = watches[0]
    found.matches = found.watch.matches
    assert.ok(found.matches >= busiest.count, `${found.matches} matches (at least the plaza's ${busiest.count})`)
    assert.equal(found.watch.new, found.matches, 'all new before the first look')
    const id = found.watch.id
    await page.locator(byTest('watch-matches-' + id)).filter({ hasText: `${found.matches} 项` }).waitFor()
    await page.locator(byTest('watch-new-' + id)).filter({ hasText: `${found.matches} 项` }).waitFor()
    assert.match(await page.locator(byTest('watch-category-' + id)).innerText(), /\//, 'the category as its path of names')
    await settled()
    await shot(page, 'watch-03-list')

    // The to-do says so, and leads here.
    await page.goto(new URL('/', server.url).href)
    const todo = page.locator(byTest('todo-watch_new'))
    await todo.waitFor()
    assert.match(await todo.innerText(), new RegExp(`${found.matches} 项关注的资产有新发布，请查看`))
    await shot(page, 'watch-04-todo')
    await todo.click()
    await page.waitForURL('**/warehouse/watches')

    // 查看: the listings, each 新; the look is recorded.
    await page.locator(byTest('watch-open-' + id)).click()
    const drawer = page.locator(byTest('watch-detail'))
    const table = drawer.locator(byTest('watch-listings-table'))
    await table.waitFor()
    await settled()
    assert.equal(await table.locator('tr.el-table__row').count(), found.matches)
    assert.equal(await table.locator('.el-tag', { hasText: '新' }).count(), found.matches)
    const href = await table.locator('a.link').first().getAttribute('href')
    assert.match(href, /^\/listings\/L\d+$/)
    assert.match(await drawer.locator('.el-drawer__title, .el-drawer__header').first().innerText(), new RegExp(`关注的资产：.*${found.categoryName.slice(0, 2)}`))
    await page.locator(byTest('watch-no-new-' + id)).waitFor()
    await shot(page, 'watch-05-listings')
    await page.keyboard.press('Escape')
    await drawer.locator('.el-drawer').waitFor({ state: 'hidden' }).catch(() => {})
    const after = (await apiGet(CLERK, '/watches')).items[0]
    assert.equal(after.new, 0)
    assert.ok(after.seen_at)

    assert.ok(!(await todoKinds()).includes('todo-watch_new'), 'looked: the watch_new to-do is gone')
    await shot(page, 'watch-06-todo-gone')
  })

  test('the same watch again: the server says so; 取消关注; 关注此类资产 from the plaza', async () => {
    const { page } = browser
    await openMenu('warehouse-watches', '/warehouse/watches')
    await page.locator(byTest('watch-open-' + found.watch.id)).waitFor()
    await pickCategory('watch-category', found.categoryName, found.category)
    await page.locator(byTest('watch-add')).click()
    await message('error', '已关注相同的分类和关键词，无需重复设置').waitFor()
    await shot(page, 'watch-07-duplicate')
    assert.equal((await apiGet(CLERK, '/watches')).items.length, 1)

    await page.locator(byTest('watch-remove-' + found.watch.id)).click()
    await confirmBox('取消关注')
    await message('success', '已取消关注').waitFor()
    await page.locator(byTest('watches-empty')).waitFor()
    await settled()
    await shot(page, 'watch-08-removed')
    assert.equal((await apiGet(CLERK, '/watches')).items.length, 0)

    // 公物仓广场: choose the category, 关注此类资产.
    await openMenu('warehouse-plaza', '/warehouse/plaza')
    await page.locator(byTest('plaza-grid')).waitFor()
    assert.equal(await page.locator(byTest('plaza-watch')).count(), 0, 'no filter, no 关注此类资产')
    await pickCategory('plaza-category', found.categoryName, found.category)
    await page.locator(byTest('plaza-watch')).click()
    await message('success', '已添加关注').waitFor()
    await settled()
    await shot(page, 'watch-09-plaza')
    const watches = (await apiGet(CLERK, '/watches')).items
    assert.deepEqual(watches.map((w) => [w.category, w.keyword]), [[found.category, null]])
  })
})

describe('配置预算衔接: the authority checks a unit budget line against the warehouse', () => {
  test('新增核对 → matches with reasons → 调剂解决 1, 仍需购置 the rest → 已核定, 节约财政资金', async () => {
    const { page } = browser
    const me = await apiGet(AUTHORITY, '/me')
    assert.ok(me.permissions.includes('budget.check'), 'the authority may check budgets')
    const unit = (await apiGet(AUTHORITY, '/units?q=' + encodeURIComponent(UNIT))).items.find((u) => u.name === UNIT)
    assert.ok(unit, UNIT)
    found.unitId = unit.id
    const plaza = await apiGet(AUTHORITY, '/plaza/warehouse?page_size=100')
    found.budgetCategory = busiestCategory(plaza.items, unit.id, { sameName: true })
    const { code, name } = found.budgetCategory

    await as(AUTHORITY)
    await openMenu('platform-budget', '/platform/budget')
    await page.locator(byTest('budget-notice')).filter({ hasText: '新增资产配置需求应当优先通过公物仓调剂方式解决' }).waitFor()
    await page.locator(byTest('budget-empty')).waitFor()
    assert.match(await page.locator(byTest('budget-year')).innerText(), new RegExp(`${NEXT_YEAR} 年`), 'next year by default')
    assert.match(await page.locator(byTest('budget-summary')).innerText(), new RegExp(`${NEXT_YEAR} 年度：已核对 0 项`))
    await settled()
    await shot(page, 'budget-01-empty')

    await page.locator(byTest('budget-new')).click()
    const dialog = page.locator(byTest('budget-line-dialog'))
    await dialog.locator('.el-form').waitFor()
    await page.locator(byTest('budget-unit')).click()
    await inputOf(page, 'budget-unit').fill(UNIT)
    await page.locator('.el-select-dropdown__item:visible', { hasText: UNIT }).first().click()
    assert.equal(await inputOf(page, 'budget-year-input').inputValue(), String(NEXT_YEAR))
    await fill(page, 'budget-item', '教学办公设备购置')
    await pickCategory('budget-category', name, code)
    assert.equal(await inputOf(page, 'budget-name').inputValue(), name, '资产名称 from the category')
    await fill(page, 'budget-spec', '满足日常办公使用')
    await fill(page, 'budget-quantity', '3')
    await fill(page, 'budget-price', '5500')
    await inputOf(page, 'budget-price').blur()
    await page.locator(byTest('budget-amount')).filter({ hasText: '¥16,500.00' }).waitFor()
    await shot(page, 'budget-02-form')
    await page.locator(byTest('budget-line-save-open')).click()
    await message('success', '已录入预算项').waitFor()
    await page.waitForURL(/\/platform\/budget\/B\w+$/)
    const id = new URL(page.url()).pathname.split('/').pop()
    await page.locator(byTest('budget-title')).filter({ hasText: '配置预算核对：' + name }).waitFor()
    await page.locator(byTest('budget-detail-state')).filter({ hasText: '待核对' }).waitFor()

    const matches = page.locator(byTest('budget-matches'))
    await matches.waitFor()
    await settled()
    const rows = matches.locator('tr.el-table__row')
    assert.ok((await rows.count()) >= 1, 'listings that could meet the line')
    assert.match(await rows.first().innerText(), /资产分类相同/)
    const api = (await apiGet(AUTHORITY, `/budget-checks/${id}/matches`)).items
    found.first = api[0].listing
    assert.equal(await rows.count(), api.length)
    await shot(page, 'budget-03-matches')

    // Tick the best one; 调剂解决 1 → 仍需购置 follows.
    await rows.first().locator('.el-checkbox').click()
    await page.locator(byTest('budget-ticked')).filter({ hasText: '已勾选 1 项资产' }).waitFor()
    await fill(page, 'budget-met', '1')
    await inputOf(page, 'budget-met').blur()
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.value === '2',
      `${byTest('budget-purchase')} input, input${byTest('budget-purchase')}`,
    )
    await fill(page, 'budget-reason', '其余 2 件公物仓中无符合规格要求的资产，按预算购置')
    await page.locator(byTest('budget-sum-hint')).filter({ hasText: '¥5,500.00' }).waitFor()
    await shot(page, 'budget-04-outcome-form')
    await page.locator(byTest('budget-decide')).click()
    await confirmBox('确认核定')
    await message('success', '已核定').waitFor()
    const outcome = page.locator(byTest('budget-outcome'))
    await outcome.waitFor()
    await page.locator(byTest('budget-detail-state')).filter({ hasText: '已核定' }).waitFor()
    assert.equal(await page.locator(byTest('budget-outcome-met')).innerText(), '1 件')
    assert.equal(await page.locator(byTest('budget-outcome-purchase')).innerText(), '2 件')
    assert.equal(await page.locator(byTest('budget-outcome-saved')).innerText(), '¥5,500.00')
    assert.match(await page.locator(byTest('budget-outcome-reason')).innerText(), /无符合规格要求/)
    assert.match(await page.locator(byTest('budget-outcome-listings')).innerText(), new RegExp(found.first.card.name))
    assert.equal(await page.locator(byTest('budget-outcome-form')).count(), 0, 'final: no form any more')
    await settled()
    await shot(page, 'budget-05-decided')
    const saved = await apiGet(AUTHORITY, `/budget-checks/${id}`)
    assert.equal(saved.state, 'decided')
    assert.deepEqual(saved.outcome.listing_ids, [found.first.id])
    assert.equal(saved.outcome.value_met_fen, 550000)

    // The list: 已核定, 1 / 2, 节约财政资金; the year's summary.
    await page.locator(byTest('budget-back')).click()
    await page.waitForURL(new RegExp(`/platform/budget\\?year=${NEXT_YEAR}$`), { waitUntil: 'commit' })
    await page.locator(byTest('budget-row-state-' + id)).filter({ hasText: '已核定' }).waitFor()
    assert.match(await page.locator(byTest('budget-outcome-' + id)).innerText(), /1\s*\/\s*2/)
    assert.equal(await page.locator(byTest('budget-saved-' + id)).innerText(), '5,500.00')
    const summary = await page.locator(byTest('budget-summary')).innerText()
    assert.match(summary, new RegExp(`${NEXT_YEAR} 年度：已核对 1 项，预算金额 ¥16,500.00，调剂解决 1 件，仍需购置 2 件，节约财政资金 ¥5,500.00`))
    await settled()
    await shot(page, 'budget-06-list')
  })

  test('a second line: 仍需购置 without a reason gets the server\'s message', async () => {
    const { page } = browser
    const { code, name } = found.budgetCategory
    await page.locator(byTest('budget-new')).click()
    const dialog = page.locator(byTest('budget-line-dialog'))
    await dialog.locator('.el-form').waitFor()
    await page.locator(byTest('budget-unit')).click()
    await inputOf(page, 'budget-unit').fill(UNIT)
    await page.locator('.el-select-dropdown__item:visible', { hasText: UNIT }).first().click()
    await fill(page, 'budget-item', '会议室设备更新')
    await pickCategory('budget-category', name, code)
    await fill(page, 'budget-quantity', '2')
    await fill(page, 'budget-price', '3000.50')
    await page.locator(byTest('budget-line-save')).click()
    await message('success', '已录入预算项').waitFor()
    await dialog.waitFor({ state: 'hidden' })
    const lines = (await apiGet(AUTHORITY, `/budget-checks?year=${NEXT_YEAR}&state=open`)).items
    assert.equal(lines.length, 1)
    const line = lines[0]
    assert.equal(line.unit_price_fen, 300050, '3000.50 元 sent as fen')
    await page.locator(byTest('budget-check-' + line.id)).waitFor()
    await page.locator(byTest('budget-summary')).filter({ hasText: '另有待核对 1 项（预算金额 ¥6,001.00）' }).waitFor()
    await settled()
    await shot(page, 'budget-07-two-lines')

    await page.locator(byTest('budget-check-' + line.id)).click()
    await page.waitForURL('**/platform/budget/' + line.id)
    await page.locator(byTest('budget-matches')).waitFor()
    await settled()
    assert.equal(await inputOf(page, 'budget-purchase').inputValue(), '2', 'nothing met yet: all to be bought')
    await page.locator(byTest('budget-decide')).click()
    await confirmBox('确认核定')
    await message('error', '仍需购置的，请填写理由').waitFor()
    await shot(page, 'budget-08-no-reason')
    assert.equal((await apiGet(AUTHORITY, `/budget-checks/${line.id}`)).state, 'open', 'nothing recorded')
  })
})
