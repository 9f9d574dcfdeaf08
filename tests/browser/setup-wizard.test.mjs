// First run: an empty data directory starts in setup mode; the wizard sets the
// node up, and the administrator it names can log in.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import { byTest, fill, inputOf, launchBrowser, login, shot, startServer, tempDir } from './helpers.mjs'

let dataDir, server, browser

before(async () => {
  dataDir = await tempDir('gwc-setup-')
  server = await startServer(dataDir)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
  await fs.rm(dataDir, { recursive: true, force: true })
})

test('the first-run wizard sets up a local node and admin can then log in', async () => {
  const { page, consoleErrors } = browser
  await page.goto(server.url)
  await page.waitForURL('**/setup')
  await page.locator(byTest('setup-kind-local')).waitFor()
  await shot(page, 'setup-1-kind')

  // 1 节点类型: local is the default.
  await page.locator(byTest('setup-kind-local')).click()
  await page.locator(byTest('setup-next')).click()

  // 2 财政区划: 辽宁省 › 沈阳市 in the cascader (a city may be chosen).
  await page.locator(byTest('setup-region-cascader')).click()
  await page.locator('.el-cascader-node', { hasText: '辽宁省' }).click()
  const shenyang = page.locator('.el-cascader-node', { hasText: '沈阳市' })
  await shenyang.waitFor()
  await shenyang.locator('.el-radio').click()
  await assert.doesNotReject(page.locator(byTest('setup-region-chosen')).filter({ hasText: '210100' }).waitFor())
  await page.keyboard.press('Escape')
  await shot(page, 'setup-2-region')
  await page.locator(byTest('setup-next')).click()

  // 3 节点名称: suggested from the region.
  const name = inputOf(page, 'setup-name')
  assert.equal(await name.inputValue(), '沈阳市财政局公物仓')
  await page.locator(byTest('setup-next')).click()

  // 4 管理员密码: a weak one is refused in the form.
  await fill(page, 'setup-password', 'short')
  await fill(page, 'setup-password-confirm', 'short')
  await page.locator(byTest('setup-next')).click()
  await page.locator('.el-form-item__error', { hasText: '至少8位' }).waitFor()
  await fill(page, 'setup-password', 'Wizard2025')
  await fill(page, 'setup-password-confirm', 'Wizard2025')
  await page.locator(byTest('setup-next')).click()

  // 5 确认
  const summary = page.locator(byTest('setup-summary'))
  await summary.waitFor()
  const text = await summary.innerText()
  assert.match(text, /本地节点/)
  assert.match(text, /210100/)
  assert.match(text, /沈阳市财政局公物仓/)
  await shot(page, 'setup-3-confirm')
  await page.locator(byTest('setup-finish')).click()

  await page.locator(byTest('setup-done')).waitFor()
  assert.equal(await page.locator(byTest('setup-admin-username')).innerText(), 'admin')
  await shot(page, 'setup-4-done')

  const setup = await (await fetch(new URL('/api/v1/setup', server.url))).json()
  assert.equal(setup.initialized, true)

  await page.locator(byTest('setup-go-login')).click()
  await page.waitForURL('**/login')
  await page.locator(byTest('login-node')).filter({ hasText: '沈阳市财政局公物仓' }).waitFor()
  await shot(page, 'login-page')

  // A wrong password is answered with the server's message.
  await fill(page, 'login-username', 'admin')
  await fill(page, 'login-password', 'Wrong12345')
  await page.locator(byTest('login-submit')).click()
  await page.locator(byTest('login-error')).waitFor()
  await shot(page, 'login-wrong-password')

  await login(page, server.url, 'admin', 'Wizard2025')
  await page.locator(byTest('home-title')).waitFor()
  await page.locator(byTest('header-node')).filter({ hasText: '沈阳市财政局公物仓' }).waitFor()
  await page.locator(byTest('menu-units')).waitFor()
  await shot(page, 'home-admin')

  // The wizard is gone once the node is set up.
  await page.goto(new URL('/setup', server.url).href)
  await page.waitForURL((u) => !u.pathname.startsWith('/setup'))

  assert.deepEqual(consoleErrors, [])
})
