// The clerk imports a real-size ledger export (10 000 rows, .xlsx, 3 % realistic mistakes —
// fixtures/ledger/) through the 导入台账 page: the dry run explains every bad row, the valid rows
// are applied in one go, and the card list shows them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { ADMIN_PASSWORD, byTest, fill, initNode, launchBrowser, login, repoRoot, shot, startServer, tempDir } from './helpers.mjs'

const LEDGER = path.join(repoRoot, 'fixtures/ledger/ledger-10000.xlsx')
const ERRORS = path.join(repoRoot, 'fixtures/ledger/ledger-10000-errors.csv')

let dataDir, server, browser
const api = (p) => new URL('/api/v1' + p, server.url).href

before(async () => {
  dataDir = await tempDir('gwc-ledger-')
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

test('a 10 000-row export: 300 bad rows explained, 9 700 cards imported', async () => {
  const { page } = browser
  const res = await page.request.post(api('/login'), { data: { username: 'admin', password: ADMIN_PASSWORD } })
  const token = (await res.json()).csrf_token
  const unit = await page.request.post(api('/units'), {
    headers: { 'X-CSRF-Token': token },
    data: { budget_code: '004001', name: '沈阳市机关事务服务中心', region: '210100', department: '机关事务', unit_type: 'institution' },
  })
  assert.ok(unit.ok(), await unit.text())
  await page.request.post(api('/logout'), { headers: { 'X-CSRF-Token': token } })
  await page.context().clearCookies()

  await login(page, server.url, '210100004001jb', '123qweQWE')
  await page.waitForURL('**/password')
  await fill(page, 'password-old', '123qweQWE')
  await fill(page, 'password-new', 'Jiguan2025jb')
  await fill(page, 'password-confirm', 'Jiguan2025jb')
  await page.locator(byTest('password-submit')).click()
  await page.waitForURL((u) => u.pathname === '/')

  await page.locator(byTest('menu-cards-import')).click()
  await page.waitForURL('**/cards/import')
  await page.locator(`${byTest('import-file')} input[type=file]`).setInputFiles(LEDGER)
  await page.locator(byTest('import-check')).click()
  await page.locator(byTest('import-summary')).waitFor({ timeout: 120_000 })
  assert.equal(Number(await page.locator(byTest('import-rows')).innerText()), 10000)
  assert.equal(Number(await page.locator(byTest('import-valid')).innerText()), 9700)
  assert.equal(Number(await page.locator(byTest('import-error-rows')).innerText()), 300)
  const listed = (await fs.readFile(ERRORS, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[0])
  const firstShown = await page.locator(byTest('import-errors')).locator('.el-table__row').first().innerText()
  assert.ok(firstShown.includes(listed[0]), `the first error row ${listed[0]} is shown first: ${firstShown}`)
  await shot(page, 'ledger-10000-dry-run')

  await page.locator(byTest('import-confirm')).click()
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: '导入', exact: true }) })
  await box.getByRole('button', { name: '导入', exact: true }).click()
  await page.locator(byTest('import-result')).waitFor({ timeout: 120_000 })
  assert.match(await page.locator(byTest('import-result-text')).innerText(), /已导入\s*9700\s*行/)
  await page.locator(byTest('import-to-cards')).click()
  await page.locator(byTest('cards-total')).filter({ hasText: '共 9700 张卡片' }).waitFor()
  await shot(page, 'ledger-10000-cards')
})
