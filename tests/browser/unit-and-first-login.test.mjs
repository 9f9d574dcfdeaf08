// On an initialised node: the administrator creates a unit through the UI and
// is shown its two accounts; the unit's reviewer logs in with the initial
// password, is made to change it, and reaches the home page.
// The tests share one server and one browser and run in order.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import {
  ADMIN_PASSWORD, byTest, fill, initNode, launchBrowser, login, logout, shot, startServer, tempDir,
} from './helpers.mjs'

let dataDir, server, browser

before(async () => {
  dataDir = await tempDir('gwc-units-')
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

test('admin creates a unit through the UI and is shown its two accounts', async () => {
  const { page } = browser

  // An unauthenticated visit to a page goes to the login, remembering the page.
  await page.goto(new URL('/system/units', server.url).href)
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/system/units')
  await fill(page, 'login-username', 'admin')
  await fill(page, 'login-password', ADMIN_PASSWORD)
  await page.locator(byTest('login-submit')).click()
  await page.waitForURL('**/system/units')
  await page.locator(byTest('units-table')).waitFor()
  await shot(page, 'units-empty')

  // 新增单位: 和平区 found by the region search, budget code 001001.
  await page.locator(byTest('units-create')).click()
  const dialog = page.locator(byTest('unit-dialog'))
  await dialog.locator('.el-form').waitFor()
  await fill(page, 'unit-region-search', '和平')
  await page.locator(byTest('unit-region-option-210102')).click()
  await fill(page, 'unit-budget-code', '001001')
  await fill(page, 'unit-name', '沈阳市和平区教育局')
  await fill(page, 'unit-department', '教育局')
  await page.locator(byTest('unit-type-institution')).click()
  await fill(page, 'unit-contact-name', '王芳')
  await fill(page, 'unit-contact-phone', '024-22821903')
  await page.locator(byTest('unit-physical-warehouse')).click()
  assert.match(await dialog.innerText(), /210102001001jb/, 'the dialog previews the login names')
  await shot(page, 'units-create-dialog')
  await page.locator(byTest('unit-submit')).click()

  await page.locator(byTest('accounts-reviewer')).waitFor()
  assert.equal(await page.locator(byTest('accounts-reviewer')).innerText(), '210102001001')
  assert.equal(await page.locator(byTest('accounts-clerk')).innerText(), '210102001001jb')
  assert.equal(await page.locator(byTest('accounts-password')).innerText(), '123qweQWE')
  await shot(page, 'units-accounts-dialog')
  await page.locator(byTest('accounts-close')).click()
  await page.locator(`${byTest('accounts-dialog')}`).waitFor({ state: 'hidden' })

  const table = page.locator(byTest('units-table'))
  await table.getByText('沈阳市和平区教育局').waitFor()
  const row = await table.locator('.el-table__row').first().innerText()
  assert.match(row, /001001/)
  assert.match(row, /和平区/)
  assert.match(row, /事业单位/)
  await shot(page, 'units-list')
})

test('the administration pages open: users, audit chain check, node fingerprint', async () => {
  const { page } = browser
  await page.locator(byTest('menu-users')).click()
  await page.locator(byTest('users-table')).getByText('210102001001jb').waitFor()
  await shot(page, 'users-list')

  await page.locator(byTest('menu-audit')).click()
  await page.locator(byTest('audit-verify')).click()
  await page.locator(`${byTest('audit-verify-result')}.el-alert--success`).waitFor()
  await shot(page, 'audit-verified')

  assert.equal(
    await page.locator(byTest('menu-node')).count(),
    1,
    '系统管理 › 本节点信息 is missing: the permissions of admin in GET /api/v1/me lack "node.read"',
  )
  await page.locator(byTest('menu-node')).click()
  await page.locator(byTest('node-fingerprint')).waitFor()
  // Plain HTTP: the page says it suits this machine only and how to serve the LAN with HTTPS.
  const access = await page.locator(byTest('node-https')).innerText()
  assert.match(access, /仅适合在本机访问/)
  assert.match(access, /--tls/)
  await shot(page, 'node-info')
})

test('the unit reviewer must change the initial password at first login, then sees the home page', async () => {
  const { page } = browser
  await logout(page)

  await fill(page, 'login-username', '210102001001')
  await fill(page, 'login-password', '123qweQWE')
  await page.locator(byTest('login-submit')).click()
  await page.waitForURL('**/password')
  await page.locator(byTest('password-forced')).waitFor()
  await shot(page, 'password-forced')

  // Nothing else opens until the password is changed.
  await page.goto(new URL('/', server.url).href)
  await page.waitForURL('**/password')

  await fill(page, 'password-old', '123qweQWE')
  await fill(page, 'password-new', 'Heping2025')
  await fill(page, 'password-confirm', 'Heping2025')
  await page.locator(byTest('password-submit')).click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.locator(byTest('home-title')).filter({ hasText: '首页待办事项' }).waitFor()
  await page.locator('.el-loading-mask').waitFor({ state: 'detached' })
  await shot(page, 'home-reviewer')

  // A reviewer has no 系统管理 pages.
  assert.equal(await page.locator(byTest('menu-units')).count(), 0)

  // A reload keeps the session (CSRF token from sessionStorage): logging out still works.
  await page.reload()
  await page.locator(byTest('home-title')).waitFor()
  await logout(page)
  await login(page, server.url, '210102001001', 'Heping2025')
  await page.locator(byTest('home-title')).waitFor()
})
