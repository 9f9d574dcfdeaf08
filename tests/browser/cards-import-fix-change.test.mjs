// 虚拟公物仓, the clerk's data work (辽财资〔2025〕116号 四、数据治理) on a fresh node:
// import the unit's ledger (the bad rows are explained, the good ones applied),
// add a card by hand, fix an incomplete 存放地点 through 信息卡变动, recall a
// leased card, split a card of quantity 10 into 6 + 4 (the shown values add up
// exactly), upload a dark photo (flagged 过暗, not refused) and apply the photos
// to the card of the same model; then the 存放地点 and 数据质量 pages.
// The tests share one server and one browser and run in order.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import zlib from 'node:zlib'
import {
  ADMIN_PASSWORD, byTest, fill, inputOf, initNode, launchBrowser, login, repoRoot, shot, startServer, tempDir,
} from './helpers.mjs'

const CLERK = '210102001001jb'
const CLERK_PASSWORD = 'Heping2025jb'
const LEDGER_FIXTURE = path.join(repoRoot, 'fixtures/ledger/ledger-small.csv')

let dataDir, server, browser
const api = (p) => new URL('/api/v1' + p, server.url).href

before(async () => {
  dataDir = await tempDir('gwc-cards-')
  await initNode(dataDir)
  server = await startServer(dataDir)
  browser = await launchBrowser()
})

after(async () => {
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
  await server?.stop()
  await fs.rm(dataDir, { recursive: true, force: true })
})

// ---------------------------------------------------------------- helpers

/** A dark (mean ≈ 20 of 255) but sharp 1200×900 RGB PNG, encoded with node:zlib. */
function darkPng(width = 1200, height = 900) {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const v = ((x >> 5) + (y >> 5)) & 1 ? 34 : 6
      raw.fill(v, row + 1 + x * 3, row + 4 + x * 3)
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(td))
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** "12,345.67" (as shown) → 1234567 fen, by string arithmetic. */
function fenOf(text) {
  const m = /(-?)([\d,]+)\.(\d{2})/.exec(text)
  assert.ok(m, `not an amount: ${text}`)
  const fen = BigInt(m[2].replace(/,/g, '')) * 100n + BigInt(m[3])
  return m[1] ? -fen : fen
}

/** The clerk's session's CSRF token (the page keeps it in sessionStorage). */
async function csrf(page) {
  return page.evaluate(() => sessionStorage.getItem('gwc.csrf'))
}

async function apiGet(page, p) {
  const res = await page.request.get(api(p))
  assert.ok(res.ok(), `GET ${p}: ${res.status()} ${await res.text()}`)
  return res.json()
}

async function apiPost(page, p, data) {
  const res = await page.request.post(api(p), { data, headers: { 'X-CSRF-Token': await csrf(page) } })
  assert.ok(res.ok(), `POST ${p}: ${res.status()} ${await res.text()}`)
  return res.json()
}

/** All of the unit's cards (setup look-ups only; the UI is what is tested). */
async function allCards(page) {
  const res = await apiGet(page, '/cards?page=1&page_size=200&sort=asset_code&order=asc')
  return res.items
}

/** Open a card's detail page from the 资产卡片 list by searching its 资产编号. */
async function openCard(page, assetCode) {
  await page.locator(byTest('menu-cards')).click()
  await page.waitForURL('**/cards')
  await fill(page, 'cards-search', assetCode)
  await page.locator(byTest('cards-search-button')).click()
  const cell = page.locator(byTest('cards-table')).locator(byTest('cards-row-' + assetCode))
  await cell.waitFor()
  await cell.click()
  await page.waitForURL(/\/cards\/[^/]+$/)
  await page.locator(byTest('card-code')).filter({ hasText: assetCode }).waitFor()
  await page.locator(byTest('card-facts')).waitFor()
}

async function confirmBox(page, button) {
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

// ---------------------------------------------------------------- tests

test('admin creates the unit; its clerk logs in and changes the initial password', async () => {
  const { page } = browser
  // Set-up through the API (the units page has its own test).
  const res = await page.request.post(api('/login'), { data: { username: 'admin', password: ADMIN_PASSWORD } })
  assert.ok(res.ok(), await res.text())
  const token = (await res.json()).csrf_token
  const unit = await page.request.post(api('/units'), {
    headers: { 'X-CSRF-Token': token },
    data: {
      budget_code: '001001', name: '沈阳市和平区教育局', region: '210102', department: '教育局',
      unit_type: 'administrative', contact_name: '王芳', contact_phone: '024-22821903', physical_warehouse: false,
    },
  })
  assert.ok(unit.ok(), await unit.text())
  await page.request.post(api('/logout'), { headers: { 'X-CSRF-Token': token } })
  await page.context().clearCookies()

  await login(page, server.url, CLERK, '123qweQWE')
  await page.waitForURL('**/password')
  await fill(page, 'password-old', '123qweQWE')
  await fill(page, 'password-new', CLERK_PASSWORD)
  await fill(page, 'password-confirm', CLERK_PASSWORD)
  await page.locator(byTest('password-submit')).click()
  await page.waitForURL((u) => u.pathname === '/')
  for (const item of ['cards', 'cards-import', 'locations', 'quality']) {
    assert.equal(await page.locator(byTest('menu-' + item)).count(), 1, `menu 虚拟公物仓 › ${item} is shown to the clerk`)
  }
})

test('the clerk imports the ledger: bad rows are explained, the valid rows are applied', async () => {
  const { page } = browser
  await page.locator(byTest('menu-cards')).click()
  await page.waitForURL('**/cards')
  await page.locator(byTest('cards-table')).waitFor()
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' })
  await shot(page, 'cards-1-empty')

  await page.locator(byTest('cards-import')).click()
  await page.waitForURL('**/cards/import')
  const file = { name: 'ledger-small.csv', mimeType: 'text/csv', buffer: await fs.readFile(LEDGER_FIXTURE) }
  await page.locator(`${byTest('import-file')} input[type=file]`).setInputFiles(file)
  await page.locator(byTest('import-file-name')).filter({ hasText: file.name }).waitFor()
  await page.locator(byTest('import-check')).click()

  await page.locator(byTest('import-summary')).waitFor({ timeout: 60_000 })
  const rows = Number(await page.locator(byTest('import-rows')).innerText())
  const valid = Number(await page.locator(byTest('import-valid')).innerText())
  const errorRows = Number(await page.locator(byTest('import-error-rows')).innerText())
  assert.ok(rows > 0 && valid > 0, `rows ${rows}, valid ${valid}`)
  assert.ok(errorRows > 0, 'the ledger has mistakes; the dry run must report them')
  assert.ok(valid + errorRows <= rows, `valid ${valid} + rows with errors ${errorRows} ≤ rows ${rows}`)
  const errors = page.locator(byTest('import-errors'))
  await errors.waitFor()
  const first = await errors.locator('.el-table__row').first().innerText()
  assert.match(first, /\d+/, 'each error names its row')
  assert.ok(first.replace(/\s+/g, '').length > 6, `each error says why: ${first}`)
  await page.locator(byTest('import-has-errors')).waitFor()
  await shot(page, 'cards-2-import-dry-run')

  // Nothing is applied by the dry run.
  assert.equal((await apiGet(page, '/cards?page=1&page_size=1')).total, 0, 'the dry run applied nothing')

  await page.locator(byTest('import-confirm')).click()
  await confirmBox(page, '导入')
  await page.locator(byTest('import-result')).waitFor({ timeout: 60_000 })
  const resultText = await page.locator(byTest('import-result-text')).innerText()
  assert.match(resultText, new RegExp(`已导入\\s*${valid}\\s*行`), resultText)
  await shot(page, 'cards-3-import-result')

  await page.locator(byTest('import-to-cards')).click()
  await page.waitForURL('**/cards')
  await page.locator(byTest('cards-total')).filter({ hasText: `共 ${valid} 张卡片` }).waitFor()
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' })
  await shot(page, 'cards-4-list')

  // Sorting by 原值, descending, through the column header (two clicks: asc, then desc).
  const header = page.locator(byTest('cards-table')).locator('th', { hasText: '原值' })
  await header.click()
  await header.click()
  await page.waitForTimeout(600)
  const values = await page.locator(byTest('cards-table')).locator('.el-table__body tr td:nth-child(5)').allInnerTexts()
  const fen = values.map(fenOf)
  for (let i = 1; i < fen.length; i++) assert.ok(fen[i - 1] >= fen[i], `原值 descending: ${values.join(' | ')}`)
})

let chairCode = 'ZC2024009001'

test('the clerk adds a card of 10 chairs by hand', async () => {
  const { page } = browser
  await page.locator(byTest('cards-create')).click()
  const dialog = page.locator(byTest('card-create-dialog'))
  await dialog.locator('.el-form').waitFor()
  await fill(page, 'card-form-code', chairCode)
  await fill(page, 'card-form-name', '办公椅')
  await fill(page, 'card-form-category-search', '办公椅')
  await page.locator(byTest('card-form-category-option-A05010301')).click()
  await fill(page, 'card-form-spec', 'BY-6021')
  await fill(page, 'card-form-brand', '震旦')
  await fill(page, 'card-form-quantity', '10')
  await fill(page, 'card-form-measure', '把')
  await inputOf(page, 'card-form-acquired').fill('2023-08-15')
  await page.keyboard.press('Enter')
  await fill(page, 'card-form-original', '12,345.67')
  await fill(page, 'card-form-net', '9,876.53')
  await fill(page, 'card-form-department', '办公室')
  await shot(page, 'cards-5-create-dialog')
  await page.locator(byTest('card-form-submit')).click()
  await page.waitForURL(/\/cards\/[^/]+$/)
  await page.locator(byTest('card-code')).filter({ hasText: chairCode }).waitFor()
  assert.equal(await page.locator(byTest('card-original')).innerText(), '12,345.67 元')
  assert.equal(await page.locator(byTest('card-quantity')).innerText(), '10')
})

test('信息卡变动: an incomplete 存放地点 is completed to a room', async () => {
  const { page } = browser
  const cards = await allCards(page)
  const target = cards.find((c) => !c.location_complete && c.status !== 'leased' && !c.active_listing_id)
  assert.ok(target, 'a card with an incomplete 存放地点 (the ledger has one; the hand-made card has none)')
  const locations = (await apiGet(page, '/locations')).items
  const room = locations.find((l) => l.level === 'room')
  assert.ok(room, 'the import created rooms')

  await openCard(page, target.asset_code)
  await page.locator(byTest('card-location-incomplete')).waitFor()
  await page.locator(byTest('card-change')).click()
  const dialog = page.locator(byTest('change-dialog'))
  await dialog.locator('.el-form').waitFor()
  await page.locator(byTest('change-location')).click()
  await page.locator(byTest('change-location-option-' + room.name)).first().click()
  await fill(page, 'change-note', '资产清查核实，补全存放地点')
  await shot(page, 'cards-6-change-dialog')
  await page.locator(byTest('change-submit')).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator(byTest('card-location')).filter({ hasText: room.name }).waitFor()
  // (the tag fades out: wait until it has left the page)
  await page.locator(byTest('card-location-incomplete')).waitFor({ state: 'detached' })
  const history = page.locator(byTest('card-history'))
  await history.getByText('资产清查核实，补全存放地点').first().waitFor()
  assert.match(await history.innerText(), /存放地点/)
  assert.match(await history.innerText(), /手工变动/)
  await history.scrollIntoViewIfNeeded()
  await shot(page, 'cards-7-changed')
})

test('出租出借收回: a leased card returns as 闲置', async () => {
  const { page } = browser
  let leased = (await allCards(page)).find((c) => c.status === 'leased')
  if (!leased) {
    leased = await apiPost(page, '/cards', {
      asset_code: 'ZC2020000299', name: '投影仪', category: 'A02021100', spec: 'CB-X06', brand: '爱普生', quantity: 1,
      measure_unit: '台', acquired_on: '2020-03-02', original_value_fen: 399900, net_value_fen: 159960,
      status: 'leased', shared: false, using_department: '宣传科', custodian: '王强', lease_end_on: '2025-06-30',
    })
  }
  await openCard(page, leased.asset_code)
  await page.locator(byTest('card-status')).first().filter({ hasText: '出租出借' }).waitFor()
  await page.locator(byTest('card-recall')).click()
  const dialog = page.locator(byTest('recall-dialog'))
  await dialog.locator('.el-form').waitFor()
  await page.locator(byTest('recall-status-idle')).click()
  await fill(page, 'recall-note', '租期届满，已收回')
  await shot(page, 'cards-8-recall-dialog')
  await page.locator(byTest('recall-submit')).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator(byTest('card-status')).first().filter({ hasText: '闲置' }).waitFor()
  assert.equal(await page.locator(byTest('card-recall')).count(), 0, 'no recall for a card that is no longer leased')
  await page.locator(byTest('card-publishable')).waitFor()
  await page.locator(byTest('card-history')).getByText('出租出借收回').first().waitFor()
})

test('拆分: 10 chairs become 6 + 4, and the shown values add up exactly', async () => {
  const { page } = browser
  await openCard(page, chairCode)
  const original = fenOf(await page.locator(byTest('card-original')).innerText())
  const net = fenOf(await page.locator(byTest('card-net')).innerText())

  await page.locator(byTest('card-split')).click()
  const dialog = page.locator(byTest('split-dialog'))
  await dialog.locator('.el-table').waitFor()
  await fill(page, 'split-quantity-0', '7')
  await page.keyboard.press('Tab')
  await page.locator(byTest('split-sum')).filter({ hasText: '合计 12 / 10' }).waitFor()
  assert.ok(await page.locator(byTest('split-submit')).isDisabled(), 'a wrong sum cannot be submitted')
  await fill(page, 'split-quantity-0', '6')
  await page.keyboard.press('Tab')
  await fill(page, 'split-quantity-1', '4')
  await page.keyboard.press('Tab')
  await page.locator(byTest('split-sum')).filter({ hasText: '合计 10 / 10' }).waitFor()
  await page.locator(byTest('split-status-1')).click()
  await page.locator(byTest('split-status-1-idle')).click()
  await page.locator(byTest('split-shared-1')).click()
  await shot(page, 'cards-9-split-dialog')
  await page.locator(byTest('split-submit')).click()

  const result = page.locator(byTest('split-result'))
  await result.locator(byTest('split-result-table')).waitFor()
  const quantities = (await result.locator(byTest('split-result-quantity')).allInnerTexts()).map(Number)
  assert.deepEqual(quantities, [6, 4])
  const originals = (await result.locator(byTest('split-result-original')).allInnerTexts()).map(fenOf)
  const nets = (await result.locator(byTest('split-result-net')).allInnerTexts()).map(fenOf)
  assert.equal(originals.reduce((a, b) => a + b, 0n), original, '原值 of the parts add up to the whole')
  assert.equal(nets.reduce((a, b) => a + b, 0n), net, '净值 of the parts add up to the whole')
  const summary = await result.locator('.el-table__footer').innerText()
  assert.match(summary, /合计/)
  assert.ok(summary.includes('12,345.67') && summary.includes('9,876.53'), `summary row: ${summary}`)
  assert.match(await result.innerText(), new RegExp(`${chairCode}-2`))
  await shot(page, 'cards-10-split-result')
  await page.locator(byTest('split-result-close')).click()
  await result.waitFor({ state: 'hidden' })
  await page.locator(byTest('card-quantity')).filter({ hasText: '6' }).waitFor()
})

test('照片: a dark photo is kept and flagged 过暗; the photos go to the card of the same model', async () => {
  const { page } = browser
  // Still on the chair card (6 left); its split-off part -2 has the same category and 规格型号.
  await page.locator(byTest('card-code')).filter({ hasText: chairCode }).waitFor()
  await page.locator(`${byTest('photo-upload')} input[type=file]`).setInputFiles({
    name: '办公椅-正面.png', mimeType: 'image/png', buffer: darkPng(),
  })
  const result = page.locator(byTest('photo-upload-result'))
  await result.waitFor({ timeout: 30_000 })
  assert.match(await result.innerText(), /过暗/)
  await page.locator(byTest('photo-flag-dark')).first().waitFor()
  await page.locator(`${byTest('photo-thumb-0')} img`).waitFor()
  assert.match(await page.locator(byTest('photo-advice')).innerText(), /4–6 张/)
  await shot(page, 'cards-11-photo-dark')

  // The original opens in the preview.
  await page.locator(`${byTest('photo-thumb-0')} img`).click()
  await page.locator('.el-image-viewer__wrapper').waitFor()
  await page.keyboard.press('Escape')
  await page.locator('.el-image-viewer__wrapper').waitFor({ state: 'hidden' })

  await page.locator(byTest('photo-apply-spec')).click()
  await confirmBox(page, '应用')
  const msg = page.locator('.apply-spec-message')
  await msg.waitFor()
  const n = Number(/已更新\s*(\d+)\s*张卡片/.exec(await msg.innerText())?.[1])
  assert.ok(n >= 1, `the split-off part got the photos: ${await msg.innerText()}`)
  await shot(page, 'cards-12-photo-applied')

  await openCard(page, `${chairCode}-2`)
  await page.locator(byTest('photo-flag-dark')).first().waitFor()
  assert.match(await page.locator(byTest('card-facts')).innerText(), /闲置/)
})

test('存放地点: the tree with card counts; a place with cards or children is not deleted', async () => {
  const { page } = browser
  await page.locator(byTest('menu-locations')).click()
  await page.waitForURL('**/locations')
  const tree = page.locator(byTest('locations-tree'))
  await tree.waitFor()
  await tree.locator('.el-tree-node').first().waitFor()
  const compound = (await apiGet(page, '/locations')).items.find((l) => l.level === 'compound')
  await page.locator(byTest('location-delete-' + compound.name)).first().click()
  await confirmBox(page, '删除')
  const refusal = page.locator('.el-message-box').filter({ hasText: '不能删除' })
  await refusal.waitFor()
  await shot(page, 'cards-13-locations-refused')
  await refusal.getByRole('button', { name: '知道了' }).click()
  await refusal.waitFor({ state: 'hidden' })

  // Add a room under a floor: the level follows the parent.
  const floor = (await apiGet(page, '/locations')).items.find((l) => l.level === 'floor')
  await page.locator(byTest('location-add-' + floor.name)).first().click()
  const dialog = page.locator(byTest('location-dialog'))
  await dialog.getByText('房间名称').waitFor()
  await fill(page, 'location-name', '399室')
  await page.locator(byTest('location-submit')).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator(byTest('location-399室')).waitFor()
  await shot(page, 'cards-14-locations')
})

test('数据质量: counts per problem and the cards to fix, each opening its card', async () => {
  const { page } = browser
  await page.locator(byTest('menu-quality')).click()
  await page.waitForURL('**/quality')
  await page.locator(byTest('quality-items')).locator('.el-table__row').first().waitFor()
  const noPhotos = Number(await page.locator(byTest('quality-count-no_photos')).innerText())
  assert.ok(noPhotos >= 1, 'imported cards have no photos yet')
  await shot(page, 'cards-15-quality')
  await page.locator(byTest('quality-problem-no_photos')).click()
  await page.locator(byTest('quality-filter')).waitFor()
  const link = page.locator(byTest('quality-items')).locator('a').first()
  await link.click()
  await page.waitForURL(/\/cards\/[^/]+$/)
  await page.locator(byTest('photo-advice')).filter({ hasText: '尚无照片' }).waitFor()
})
