// Shared pieces of the browser tests: start the real gongwucang binary on a
// temporary data directory (port 0), drive the system Chromium headless through
// playwright-core (no browser download), take screenshots, a few helpers for
// Element Plus controls addressed by their `data-test` attributes, and set-up
// through the API (apiSession, photoPng).
import { spawn, execFile } from 'node:child_process'
import { promisify } from 'node:util'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { chromium, request as pwRequest } from 'playwright-core'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const screenshotDir = path.join(repoRoot, 'target/browser-screenshots')
/** GWC_BIN (a path from the current directory, as a shell would read it) or the debug build. */
export const serverBin = process.env.GWC_BIN ? path.resolve(process.env.GWC_BIN) : path.join(repoRoot, 'target/debug/gongwucang')
const chromiumPath = process.env.GWC_CHROMIUM || '/usr/bin/chromium'

export const ADMIN_PASSWORD = 'Admin12345'

export async function tempDir(prefix) {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

/** `gongwucang init` a node in a fresh data directory: by default the local node of 沈阳市. */
export async function initNode(dataDir, { kind = 'local', region = '210100', name = '沈阳市公物仓' } = {}) {
  await promisify(execFile)(serverBin, [
    'init', '--data', dataDir, '--kind', kind, '--region', region, '--name', name, '--admin-password', ADMIN_PASSWORD,
  ])
}

/**
 * `gongwucang serve --listen 127.0.0.1:0`; resolves once it prints its
 * http://127.0.0.1:PORT/ line. `stop()` sends SIGTERM and waits.
 */
export async function startServer(dataDir, extraArgs = []) {
  const proc = spawn(serverBin, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  })
  let output = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its address in 30 s:\n${output}`)), 30_000)
    const onData = (chunk) => {
      output += chunk
      const m = /https?:\/\/127\.0\.0\.1:\d+\//.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    }
    proc.stdout.setEncoding('utf8').on('data', onData)
    proc.stderr.setEncoding('utf8').on('data', (c) => (output += c))
    proc.on('error', (e) => {
      clearTimeout(timer)
      reject(new Error(`cannot start ${serverBin} (set GWC_BIN?): ${e.message}`))
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}) before listening:\n${output}`))
    })
  })
  const exited = new Promise((resolve) => proc.on('exit', resolve))
  return {
    url,
    log: () => output,
    async stop() {
      if (proc.exitCode !== null) return
      proc.kill('SIGTERM')
      const timeout = new Promise((r) => setTimeout(() => r('timeout'), 10_000))
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        proc.kill('SIGKILL')
        await exited
      }
    },
  }
}

/**
 * Headless system Chromium, fresh profile, 1366×768, loopback traffic only.
 * `device` overrides the window, e.g. a phone: `{ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }`.
 */
export async function launchBrowser(device = {}) {
  const userDataDir = await tempDir('gwc-chromium-')
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    ...device,
  })
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort()
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  const consoleErrors = []
  page.on('pageerror', (e) => consoleErrors.push(String(e)))
  return {
    page,
    consoleErrors,
    async close() {
      await context.close()
      await fs.rm(userDataDir, { recursive: true, force: true })
    },
  }
}

export async function shot(page, name) {
  await fs.mkdir(screenshotDir, { recursive: true })
  // Let transitions (dialogs, messages) settle so the picture shows the end state.
  await page.waitForTimeout(400)
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) })
}

export const byTest = (id) => `[data-test="${id}"]`

/**
 * The text box of a control addressed by data-test: el-input passes the
 * attribute to its <input> itself, el-select keeps it on its wrapper.
 */
export const inputOf = (page, id) =>
  page.locator(`input${byTest(id)}, textarea${byTest(id)}, ${byTest(id)} input`).first()

/** Type into an el-input / el-select filter addressed by data-test. */
export async function fill(page, id, value) {
  await inputOf(page, id).fill(value)
}

/** Log in through the form and wait until the login page is left. */
export async function login(page, baseUrl, username, password) {
  await page.goto(new URL('/login', baseUrl).href)
  await fill(page, 'login-username', username)
  await fill(page, 'login-password', password)
  await page.locator(byTest('login-submit')).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

/** Log out through the user menu in the header. */
export async function logout(page) {
  await page.locator(byTest('user-menu')).click()
  await page.locator(byTest('menu-logout')).click()
  await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click()
  await page.waitForURL((u) => u.pathname.startsWith('/login'))
}

/** An Element Plus success message with `text` shown. */
export async function success(page, text) {
  await page.locator('.el-message--success', { hasText: text }).first().waitFor()
}

/** The ElMessageBox that has the button `button` (exactly): clicked, the box gone. */
export async function confirmBox(page, button) {
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.waitFor()
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

/** A screenshot of the whole page (not just the window), after transitions settle. */
export async function fullShot(page, name) {
  await fs.mkdir(screenshotDir, { recursive: true })
  await page.waitForTimeout(400)
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

/** The page and the main content do not scroll sideways (a phone). */
export async function assertNoSideways(page, where) {
  const over = await page.evaluate(() => {
    const main = document.querySelector('.layout-main') ?? document.documentElement
    return { doc: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth }
  })
  assert.ok(over.doc <= 0 && over.main <= 0, `${where}: no horizontal scrolling (${JSON.stringify(over)})`)
}

/** A 375×667 touch phone for `launchBrowser`. */
export const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }

// ---------------------------------------------------------------- set-up through the API

/**
 * `gongwucang demo` in a fresh data directory, served: `{ dir, server, accounts }` (`accounts` is
 * 演示账户.txt). The caller stops the server and removes `dir`.
 */
export async function startDemo(prefix = 'gwc-demo-') {
  const dir = await tempDir(prefix)
  await promisify(execFile)(serverBin, ['demo', '--data', dir])
  const accounts = await fs.readFile(path.join(dir, '演示账户.txt'), 'utf8')
  return { dir, server: await startServer(dir), accounts }
}

/**
 * A logged-in API session of its own on the server at `baseUrl` (not the
 * browser's cookies), for set-up; changes an initial password to `newPassword`.
 * Every call must succeed (asserted).
 */
export async function apiSession(baseUrl, username, password, newPassword) {
  const ctx = await pwRequest.newContext({ baseURL: baseUrl })
  const res = await ctx.post('/api/v1/login', { data: { username, password } })
  assert.ok(res.ok(), `login ${username}: ${res.status()} ${await res.text()}`)
  const body = await res.json()
  const headers = { 'X-CSRF-Token': body.csrf_token }
  if (body.must_change_password && newPassword) {
    const pw = await ctx.post('/api/v1/password', { headers, data: { old_password: password, new_password: newPassword } })
    assert.ok(pw.ok(), `password ${username}: ${pw.status()} ${await pw.text()}`)
  }
  const call = async (method, path, options = {}) => {
    const r = await ctx.fetch('/api/v1' + path, { method, headers, ...options })
    const text = await r.text()
    assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${text}`)
    return text ? JSON.parse(text) : null
  }
  return {
    changed: !!(body.must_change_password && newPassword),
    get: (path) => call('GET', path),
    post: (path, data) => call('POST', path, { data }),
    put: (path, data) => call('PUT', path, { data }),
    patch: (path, data) => call('PATCH', path, { data }),
    del: (path) => call('DELETE', path),
    upload: (path, file) => call('POST', path, { multipart: { file } }),
    /** POST whose answer is a file: its bytes. */
    async postForFile(path, data) {
      const r = await ctx.fetch('/api/v1' + path, { method: 'POST', headers, data })
      assert.ok(r.ok(), `POST ${path}: ${r.status()} ${r.ok() ? '' : await r.text()}`)
      return r.body()
    },
    close: () => ctx.dispose(),
  }
}

/** A sharp, mid-bright 1200×900 RGB PNG of coloured blocks (passes the photo checks). */
export function photoPng(seed, width = 1200, height = 900) {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    for (let x = 0; x < width; x++) {
      const cell = ((x >> 6) + (y >> 6) + seed) % 4
      const [r, g, b] = [[70, 120, 190], [200, 200, 205], [120, 160, 90], [230, 180, 90]][cell]
      const i = row + 1 + x * 3
      raw[i] = r
      raw[i + 1] = g
      raw[i + 2] = b
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
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ---------------------------------------------------------------- several nodes (federation)

/**
 * Starts node `n` (`{ kind, region, name }`) on a fresh data directory with a browser of its own
 * (cookies do not tell the ports of 127.0.0.1 apart) and its admin's API session (`n.admin`);
 * `n.node` is its GET /node (node_id, public_key).
 */
export async function startNode(n) {
  n.dir = await tempDir(`gwc-fed-${n.kind}-${n.region}-`)
  await initNode(n.dir, n)
  n.server = await startServer(n.dir)
  n.browser = await launchBrowser()
  n.admin = await apiSession(n.server.url, 'admin', ADMIN_PASSWORD)
  n.node = await n.admin.get('/node')
  return n
}

/** Stops the nodes and removes their data; then asserts no page had an uncaught error. */
export async function stopNodes(nodes) {
  const errors = nodes.map((n) => [n.name, n.browser?.consoleErrors ?? []])
  for (const n of nodes) {
    await n.admin?.close()
    await n.browser?.close()
    await n.server?.stop()
    if (n.dir) await fs.rm(n.dir, { recursive: true, force: true })
  }
  for (const [name, list] of errors) assert.deepEqual(list, [], `no uncaught errors in the page of ${name}`)
}

/** At node `at`, its admin registers node `other` as its `role` (parent / child) named `name`. */
export async function registerPeer(at, other, role, name) {
  await at.admin.post('/peers', { role, node_id: other.node.node_id, public_key: other.node.public_key, name })
}

/**
 * A user the admin of node `n` creates (`account`: username, password); its first login changes
 * the password (year + 1) if the node asks for it, and `account.password` follows.
 */
export async function createUser(n, account, name, role) {
  await n.admin.post('/users', { username: account.username, password: account.password, name, role, region: n.region })
  const next = account.password.replace(/\d{4}/, (y) => String(Number(y) + 1))
  const session = await apiSession(n.server.url, account.username, account.password, next)
  if (session.changed) account.password = next
  await session.close()
}

/**
 * 数据交换 through the API: `from`'s admin exports a bundle for `to`, `to`'s admin imports it;
 * the import's outcome (`result`: applied, already_imported …).
 */
export async function carryBundle(from, to) {
  const bytes = await from.admin.postForFile('/bundles/export', { to: to.node.node_id })
  return to.admin.upload('/bundles/import', { name: 'bundle.gwcb', mimeType: 'application/octet-stream', buffer: bytes })
}

/** Log in through the form at node `n` as `user` (admin by default), any previous session dropped. */
export async function loginAt(n, user = { username: 'admin', password: ADMIN_PASSWORD }) {
  const { page } = n.browser
  await page.context().clearCookies()
  await page.goto(new URL('/login', n.server.url).href)
  await page.evaluate(() => sessionStorage.clear())
  await login(page, n.server.url, user.username, user.password)
  return page
}

/** A menu item (data-test `menu-<item>`) clicked, its page `urlPath` reached. */
export async function openMenu(page, item, urlPath) {
  await page.locator(byTest('menu-' + item)).click()
  await page.waitForURL('**' + urlPath)
}

/** The loading masks gone (and a moment for the tables to lay out). */
export async function settled(page) {
  await page.waitForTimeout(200)
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
}

/**
 * At city node `n`: the unit `unit` (`{ budget_code, name, region, department, contact_name,
 * contact_phone }`) whose clerk and reviewer (`clerk`, `reviewer`: their login and the password
 * they change the initial one to) list an idle 台式计算机 `code` with 2 photos for the platform
 * (全国调剂共享平台) within `scope`; the reviewer and the authority (`authority`: username,
 * password, name; created here)
 * approve it, so it waits for the province (待省财政厅报送). Returns the listing's id.
 */
export async function offerComputer(n, { unit, clerk, reviewer, authority, code, scope }) {
  const INITIAL = '123qweQWE'
  await n.admin.post('/units', { ...unit, unit_type: 'administrative', physical_warehouse: false })
  await createUser(n, authority, authority.name, 'authority')
  const clerkApi = await apiSession(n.server.url, clerk.username, INITIAL, clerk.password)
  const reviewerApi = await apiSession(n.server.url, reviewer.username, INITIAL, reviewer.password)
  const authorityApi = await apiSession(n.server.url, authority.username, authority.password)
  const card = await clerkApi.post('/cards', {
    asset_code: code, name: '台式计算机', category: 'A02010105', spec: 'ThinkCentre M920t', brand: '联想', quantity: 1,
    measure_unit: '台', acquired_on: '2021-09-01', original_value_fen: 568000, net_value_fen: 120000,
    status: 'idle', shared: false, using_department: '办公室',
  })
  for (let i = 0; i < 2; i++) {
    await clerkApi.upload(`/cards/${card.id}/photos`, { name: `computer-${i}.png`, mimeType: 'image/png', buffer: photoPng(i) })
  }
  const listing = await clerkApi.post('/listings', {
    card_id: card.id, mode: 'transfer', national: true, scope, source: 'routine',
    condition: '九成新，运行正常', description: '联想台式计算机，i5/8G/256G SSD，含显示器，机房调整后闲置。',
    contact_name: unit.contact_name, contact_phone: unit.contact_phone, submit: true,
  })
  await reviewerApi.post(`/listings/${listing.id}/review`, { decision: 'approve' })
  const approved = await authorityApi.post(`/listings/${listing.id}/authority-review`, { decision: 'approve', scope })
  assert.equal(approved.national_state, 'pending_province')
  for (const s of [clerkApi, reviewerApi, authorityApi]) await s.close()
  return listing.id
}
