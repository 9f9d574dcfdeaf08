// 系统管理 › 数据备份 on the demo node (`gongwucang demo`, served fresh: no backup yet, the first
// automatic one is five minutes away). The admin (account from 演示账户.txt), in Beijing time:
//   the empty page (每日自动备份 on, 保留最近 14 份, the data folder's backups/) → 立即备份 (the
//   button shows it works while the server takes the snapshot) → the success message names the
//   file → the table is GET /backups row by row (手动, local time, KB) and the file is in
//   backups/ → 下载: the bytes are that file's → 校验 the download: this node's name and id, 本节点,
//   the record count of POST /backups/check → 校验 a copy with one byte in the middle flipped: the
//   server's 校验和不符 message, no result → 校验 another demo node's backup (`gongwucang backup`):
//   good, 不是本节点 → 系统设置 自动备份保留份数 0 → 数据备份 says 已停用, and
//   the API keep 0 without a next time.
//   A clerk: no 系统管理 menu, /system/backups leads home, the API answers 403.
// Screenshots: target/browser-screenshots/backups-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { request as pwRequest } from 'playwright-core'
import { apiSession, byTest, fullShot, inputOf, launchBrowser, login, logout, serverBin, settled, shot, startDemo, success, tempDir } from './helpers.mjs'

const INITIAL = '123qweQWE'
const CLERK = { username: '210102002001jb', password: 'Jiaoyu2025jb' }
/** The admin's password is read from 演示账户.txt. */
const ADMIN = { username: 'admin', password: '' }

let demo, browser, admin, fileDir
/** Filled in on the way: the backup taken, GET /node, the downloaded copy. */
const found = { backup: null, node: null, downloaded: null }

/** "2026-11-28T06:30:00Z" → "2026-11-28 14:30:00": what the page shows in Beijing time. */
function beijing(rfc3339) {
  return new Date(Date.parse(rfc3339) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}
/** The page's size text: KB below a megabyte, else MB, one decimal. */
function sizeText(n) {
  return n < 1024 * 1024 ? `${Math.max(0.1, n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`
}
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
const page = () => browser.page

/** Earlier messages closed and the mouse out of the way (no tooltip), so that a screenshot shows the page. */
async function clearMessages(p) {
  await p.mouse.move(600, 760)
  for (const close of await p.locator('.el-message .el-message__closeBtn').all()) await close.click().catch(() => {})
  await p.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
}

before(async () => {
  browser = await launchBrowser({ timezoneId: 'Asia/Shanghai' })
  demo = await startDemo('gwc-backups-')
  const m = /系统管理员\s+admin \/ (\S+)/.exec(demo.accounts)
  assert.ok(m, `the admin's account in 演示账户.txt:\n${demo.accounts}`)
  ADMIN.password = m[1]
  admin = await apiSession(demo.server.url, ADMIN.username, ADMIN.password)
  found.node = await admin.get('/node')
  fileDir = await tempDir('gwc-backups-files-')
})

after(async () => {
  const errors = browser?.consoleErrors ?? []
  await admin?.close()
  await browser?.close()
  await demo?.server.stop()
  for (const d of [demo?.dir, fileDir]) if (d) await fs.rm(d, { recursive: true, force: true })
  assert.deepEqual(errors, [], 'no uncaught errors in the page')
})

async function openBackups() {
  await page().locator(byTest('menu-backups')).click()
  await page().waitForURL('**/system/backups')
  await settled(page())
  await page().locator(byTest('backups-schedule')).waitFor()
}

test('立即备份 on a node without backups: the new row is GET /backups', async () => {
  const empty = await admin.get('/backups')
  assert.deepEqual(empty.items, [], 'a fresh demo node has no backup yet')
  assert.equal(empty.keep, 14, 'the default: 14 automatic backups kept')
  assert.equal(empty.folder, path.join(demo.dir, 'backups'))

  const p = page()
  await login(p, demo.server.url, ADMIN.username, ADMIN.password)
  await openBackups()
  assert.match(await p.locator(byTest('backups-empty')).innerText(), /还没有备份文件[\s\S]*立即备份/)
  assert.equal(await p.locator(byTest('backups-table')).count(), 0)
  assert.equal(
    await p.locator(byTest('backups-schedule-text')).innerText(),
    '每天自动备份一次，保留最近 14 份；下次将在 10 分钟内进行。',
    'none taken yet: the first one is due',
  )
  assert.equal(await p.locator(byTest('backups-folder')).innerText(), empty.folder)
  await fullShot(p, 'backups-1-empty')

  // The POST is held until the button has been seen working.
  let release
  const held = new Promise((r) => (release = r))
  await p.route('**/api/v1/backups', async (route) => {
    if (route.request().method() === 'POST') await held
    await route.continue()
  })
  await p.locator(byTest('backup-now')).click()
  const button = p.locator(byTest('backup-now'))
  await p.waitForFunction((sel) => document.querySelector(sel)?.classList.contains('is-loading'), byTest('backup-now'))
  assert.equal((await button.innerText()).trim(), '正在备份，请稍候…')
  assert.ok(await button.isDisabled(), 'no second backup while one runs')
  release()
  await p.locator('.el-message--success', { hasText: '备份完成：manual-' }).first().waitFor()
  await p.unroute('**/api/v1/backups')

  const listed = await admin.get('/backups')
  assert.equal(listed.items.length, 1, JSON.stringify(listed.items))
  const b = (found.backup = listed.items[0])
  assert.equal(b.kind, 'manual')
  assert.match(b.name, /^manual-\d{8}T\d{6}Z\.gwcbak$/)
  const message = await p.locator('.el-message--success', { hasText: '备份完成' }).first().innerText()
  assert.ok(message.includes(b.name), `the message names the file: ${message}`)
  assert.equal((await fs.stat(path.join(demo.dir, 'backups', b.name))).size, b.size, 'the file in backups/ has the listed size')

  await p.locator(byTest('backups-table')).waitFor()
  assert.equal(await p.locator(byTest('backups-empty')).count(), 0)
  const rows = p.locator(`${byTest('backups-table')} .el-table__body tr`)
  assert.equal(await rows.count(), listed.items.length)
  for (const [i, item] of listed.items.entries()) {
    const row = rows.nth(i)
    assert.equal(await row.locator(byTest('backup-name')).innerText(), item.name)
    assert.equal((await row.locator(byTest('backup-kind')).innerText()).trim(), item.kind === 'auto' ? '自动' : '手动')
    assert.equal(await row.locator(byTest('backup-time')).innerText(), beijing(item.created_at), 'local (Beijing) time')
    assert.equal(await row.locator(byTest('backup-size')).innerText(), sizeText(item.size))
  }
  await clearMessages(p)
  await shot(p, 'backups-2-list')
})

test('下载: the bytes are the file in the data folder\'s backups/', async () => {
  const p = page()
  const b = found.backup
  assert.ok(b, 'a backup was taken')
  const [download] = await Promise.all([
    p.waitForEvent('download'),
    p.locator(byTest('backup-download-' + b.name)).click(),
  ])
  assert.equal(download.suggestedFilename(), b.name)
  found.downloaded = path.join(fileDir, b.name)
  await download.saveAs(found.downloaded)
  await success(p, '备份文件已下载')
  const got = await fs.readFile(found.downloaded)
  const onDisk = await fs.readFile(path.join(demo.dir, 'backups', b.name))
  assert.equal(got.length, b.size)
  assert.ok(got.equals(onDisk), 'the download is the backup file byte for byte')
})

test('校验: the download is this node\'s with its record count; a damaged copy is refused', async () => {
  const p = page()
  assert.ok(found.downloaded, 'the backup was downloaded')
  const bytes = await fs.readFile(found.downloaded)
  const checked = await admin.upload('/backups/check', { name: found.backup.name, mimeType: 'application/octet-stream', buffer: bytes })
  assert.equal(checked.this_node, true)
  assert.equal(checked.header.node_id, found.node.node_id)
  assert.equal(checked.rows, checked.header.tables.reduce((n, [, rows]) => n + rows, 0))
  assert.ok(checked.rows > 1000, `the demo node holds more than a thousand records: ${checked.rows}`)

  const picker = p.locator(`${byTest('backup-check-file')} input[type=file]`)
  await picker.setInputFiles(found.downloaded)
  const result = p.locator(byTest('backup-check-result'))
  await result.waitFor()
  assert.match(await p.locator(byTest('backup-check-verdict')).innerText(), /备份文件完好，是本节点的备份，可以用于恢复/)
  assert.equal(await p.locator(byTest('backup-check-node-name')).innerText(), found.node.name)
  assert.equal(await p.locator(byTest('backup-check-node-id')).innerText(), found.node.node_id)
  assert.equal((await p.locator(byTest('backup-check-this-node')).innerText()).trim(), '本节点')
  assert.equal(await p.locator(byTest('backup-check-time')).innerText(), beijing(found.backup.created_at))
  assert.equal(await p.locator(byTest('backup-check-rows')).innerText(), thousands(checked.rows))
  const cards = checked.header.tables.find(([t]) => t === 'cards')[1]
  assert.match(await result.innerText(), new RegExp(`资产卡片 ${thousands(cards)} 张`))
  assert.equal(await p.locator(byTest('backup-check-error')).count(), 0)
  // The restore's example: the checked file in this node's backup folder, into a new folder beside the data folder.
  assert.equal(
    await p.locator(byTest('backup-restore-example')).innerText(),
    `gongwucang restore --from "${path.join(demo.dir, 'backups', found.backup.name)}" --data "${demo.dir}-恢复"`,
  )
  assert.equal(await p.locator(byTest('backup-serve-example')).innerText(), `gongwucang serve --data "${demo.dir}-恢复"`)
  await result.scrollIntoViewIfNeeded()
  await clearMessages(p)
  await shot(p, 'backups-3-check-ok')

  const damaged = Buffer.from(bytes)
  damaged[Math.floor(damaged.length / 2)] ^= 0x5a
  const damagedPath = path.join(fileDir, 'damaged-' + found.backup.name)
  await fs.writeFile(damagedPath, damaged)
  await picker.setInputFiles(damagedPath)
  const refusal = p.locator(byTest('backup-check-error'))
  await refusal.waitFor()
  assert.equal(await p.locator(byTest('backup-check-error-message')).innerText(), '备份文件无效：校验和不符，文件已损坏（或不完整）')
  assert.match(await refusal.innerText(), /此文件不能用于恢复/)
  assert.equal(await result.count(), 0, 'no result shown for a damaged file')
  await refusal.scrollIntoViewIfNeeded()
  await shot(p, 'backups-4-check-damaged')
  await p.locator(byTest('backup-restore')).scrollIntoViewIfNeeded()
  await shot(p, 'backups-5-restore')
})

test('校验 a backup of another node: good, but not this node\'s', async () => {
  const p = page()
  const other = path.join(fileDir, 'other-node')
  await promisify(execFile)(serverBin, ['demo', '--data', other])
  await promisify(execFile)(serverBin, ['backup', '--data', other])
  const [name] = (await fs.readdir(path.join(other, 'backups'))).filter((f) => f.endsWith('.gwcbak'))
  assert.ok(name, 'gongwucang backup wrote a file')
  // The file's own header (after "GWCBACKUP1\n" and its u32 length) names the node.
  const file = await fs.readFile(path.join(other, 'backups', name))
  const otherNode = JSON.parse(file.subarray(15, 15 + file.readUInt32LE(11)).toString('utf8'))
  assert.equal(file.subarray(0, 11).toString('latin1'), 'GWCBACKUP1\n')
  assert.notEqual(otherNode.node_id, found.node.node_id, 'another demo node has an id of its own')

  await p.locator(`${byTest('backup-check-file')} input[type=file]`).setInputFiles(path.join(other, 'backups', name))
  await p.locator(byTest('backup-check-result')).waitFor()
  const verdict = await p.locator(byTest('backup-check-verdict')).innerText()
  assert.match(verdict, /备份文件完好，但不是本节点的备份/)
  assert.ok(verdict.includes(otherNode.node_id), verdict)
  assert.equal((await p.locator(byTest('backup-check-this-node')).innerText()).trim(), '不是本节点')
  assert.equal(await p.locator(byTest('backup-check-node-id')).innerText(), otherNode.node_id)
  assert.equal(await p.locator(byTest('backup-check-error')).count(), 0)
  // The restore example stays with this node's own newest backup.
  assert.ok((await p.locator(byTest('backup-restore-example')).innerText()).includes(found.backup.name))
  await p.locator(byTest('backup-check-result')).scrollIntoViewIfNeeded()
  await clearMessages(p)
  await shot(p, 'backups-4b-check-other-node')
})

test('系统设置 自动备份保留份数 0: 数据备份 says 已停用, the API keep 0', async () => {
  const p = page()
  await p.locator(byTest('menu-settings')).click()
  await p.waitForURL('**/system/settings')
  const keep = inputOf(p, 'settings-backup-keep')
  await p.waitForFunction((sel) => document.querySelector(sel)?.value === '14', `${byTest('settings-backup-keep')} input`)
  await keep.fill('0')
  await keep.press('Tab')
  await p.locator(byTest('settings-save')).click()
  await success(p, '系统设置已保存')
  await p.locator(byTest('settings-backup-keep')).scrollIntoViewIfNeeded()
  await shot(p, 'backups-6-settings-keep-0')
  assert.equal((await admin.get('/settings')).backup_keep, 0)

  await openBackups()
  const schedule = await p.locator(byTest('backups-schedule')).innerText()
  assert.match(schedule, /已停用/)
  assert.doesNotMatch(schedule, /下次约在/)
  assert.ok((await p.locator(byTest('backups-settings-link')).innerText()).includes('系统设置'))
  const listed = await admin.get('/backups')
  assert.equal(listed.keep, 0)
  assert.equal(listed.next_auto_at, null)
  assert.equal(await p.locator(`${byTest('backups-table')} .el-table__body tr`).count(), listed.items.length, 'the backups stay')
  await p.locator(byTest('backups-panel')).scrollIntoViewIfNeeded()
  await clearMessages(p)
  await shot(p, 'backups-7-auto-off')

  await p.locator(byTest('backups-settings-link')).click()
  await p.waitForURL('**/system/settings')
})

test('a clerk does not see 数据备份 and the API refuses it (403)', async () => {
  const p = page()
  await logout(p)
  await (await apiSession(demo.server.url, CLERK.username, INITIAL, CLERK.password)).close()
  await login(p, demo.server.url, CLERK.username, CLERK.password)
  await p.locator(byTest('menu-home')).waitFor()
  assert.equal(await p.locator(byTest('menu-backups')).count(), 0)
  await p.goto(new URL('/system/backups', demo.server.url).href)
  await p.waitForURL((u) => u.pathname === '/')

  const ctx = await pwRequest.newContext({ baseURL: demo.server.url })
  try {
    const res = await ctx.post('/api/v1/login', { data: { username: CLERK.username, password: CLERK.password } })
    assert.ok(res.ok(), await res.text())
    const headers = { 'X-CSRF-Token': (await res.json()).csrf_token }
    const calls = [
      ['GET', '/api/v1/backups'],
      ['POST', '/api/v1/backups', { data: {} }],
      ['GET', `/api/v1/backups/${found.backup.name}`],
      ['POST', '/api/v1/backups/check', { multipart: { file: { name: 'x.gwcbak', mimeType: 'application/octet-stream', buffer: Buffer.from('x') } } }],
    ]
    for (const [method, url, options] of calls) {
      const r = await ctx.fetch(url, { method, headers, ...options })
      assert.equal(r.status(), 403, `${method} ${url}`)
      const body = await r.json()
      assert.match(body.error.message, /[\u4e00-\u9fa5]/, `${method} ${url}: a Chinese message (${body.error.message})`)
    }
  } finally {
    await ctx.dispose()
  }
  assert.equal((await admin.get('/backups')).items.length, 1, 'the clerk took no backup')
})
