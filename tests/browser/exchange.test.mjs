// 系统管理 › 数据交换 between two nodes, each driven by its own admin in its own
// browser: a local node (沈阳市, 210100) and a province node (辽宁省, 210000).
// The city registers the province as 上级节点 (the fingerprint computed in the
// browser before saving equals the province's), the province registers the city
// as 下级节点; the city exports a bundle (a download), the province inspects it
// (签名有效, the city's name and fingerprint) and imports it (已导入); both
// 交换记录 show the line; a copy with one byte changed is refused.
// The tests share the servers and browsers and run in order.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  ADMIN_PASSWORD, apiSession, byTest, fill, initNode, launchBrowser, login, serverBin, shot, startServer, tempDir,
} from './helpers.mjs'

let cityDir, provinceDir, city, province, cityBrowser, provinceBrowser, fileDir
let cityNode, provinceNode, bundlePath

before(async () => {
  cityDir = await tempDir('gwc-exchange-city-')
  provinceDir = await tempDir('gwc-exchange-province-')
  fileDir = await tempDir('gwc-exchange-files-')
  await initNode(cityDir)
  await promisify(execFile)(serverBin, [
    'init', '--data', provinceDir, '--kind', 'province', '--region', '210000',
    '--name', '辽宁省财政厅', '--admin-password', ADMIN_PASSWORD,
  ])
  city = await startServer(cityDir)
  province = await startServer(provinceDir)
  // Two browsers: both servers are on 127.0.0.1, and cookies do not tell ports apart.
  cityBrowser = await launchBrowser()
  provinceBrowser = await launchBrowser()
  for (const [url, set] of [[city.url, (n) => (cityNode = n)], [province.url, (n) => (provinceNode = n)]]) {
    const api = await apiSession(url, 'admin', ADMIN_PASSWORD)
    set(await api.get('/node'))
    await api.close()
  }
})

after(async () => {
  assert.deepEqual(cityBrowser?.consoleErrors ?? [], [], 'no uncaught errors in the city page')
  assert.deepEqual(provinceBrowser?.consoleErrors ?? [], [], 'no uncaught errors in the province page')
  await cityBrowser?.close()
  await provinceBrowser?.close()
  await city?.stop()
  await province?.stop()
  for (const d of [cityDir, provinceDir, fileDir]) if (d) await fs.rm(d, { recursive: true, force: true })
})

async function openExchange(page, url) {
  await login(page, url, 'admin', ADMIN_PASSWORD)
  await page.locator(byTest('menu-exchange')).click()
  await page.waitForURL('**/system/exchange')
  await page.locator(byTest('exchange-node-fingerprint')).waitFor()
}

/** 登记对端节点 through the dialog: role, id, key; the shown fingerprint must be `fingerprint`. */
async function registerPeer(page, role, peer) {
  await page.locator(byTest('peer-add')).click()
  const dialog = page.locator(byTest('peer-dialog'))
  await dialog.locator('.el-form').waitFor()
  await page.locator(byTest(`peer-role-${role}`)).click()
  await fill(page, 'peer-node-id', peer.node_id)
  await fill(page, 'peer-public-key', peer.public_key)
  await fill(page, 'peer-name', peer.name)
  await page.locator(byTest('peer-fingerprint')).waitFor()
  assert.equal(await page.locator(byTest('peer-fingerprint')).innerText(), peer.fingerprint,
    'the fingerprint computed in the browser equals the peer node\'s own')
  assert.ok(await page.locator(byTest('peer-save')).isDisabled(), 'saving waits for 已与对方核对一致')
  return dialog
}

test('each admin registers the other node after comparing the fingerprint', async () => {
  const cp = cityBrowser.page
  await openExchange(cp, city.url)
  assert.equal(await cp.locator(byTest('exchange-node-fingerprint')).innerText(), cityNode.fingerprint)
  assert.match(await cp.locator(byTest('peers-table')).innerText(), /尚未登记上级或下级节点/)
  await shot(cp, 'exchange-city-empty')

  // A key typed with one digit wrong: the id no longer matches, nothing to confirm.
  await cp.locator(byTest('peer-add')).click()
  await cp.locator(byTest('peer-dialog')).locator('.el-form').waitFor()
  await fill(cp, 'peer-node-id', provinceNode.node_id)
  const typo = provinceNode.public_key.slice(0, -1) + (provinceNode.public_key.endsWith('0') ? '1' : '0')
  await fill(cp, 'peer-public-key', typo)
  await cp.locator(byTest('peer-mismatch')).waitFor()
  assert.ok(await cp.locator(byTest('peer-save')).isDisabled())
  await shot(cp, 'exchange-city-peer-mismatch')
  await cp.locator(byTest('peer-dialog')).getByRole('button', { name: '取消' }).click()

  const dialog = await registerPeer(cp, 'parent', provinceNode)
  await shot(cp, 'exchange-city-register-parent')
  await cp.locator(byTest('peer-confirm')).click()
  await cp.locator(byTest('peer-save')).click()
  await cp.locator('.el-message--success', { hasText: '已登记上级节点' }).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  const cityPeers = await cp.locator(byTest('peers-table')).innerText()
  assert.match(cityPeers, /上级节点/)
  assert.ok(cityPeers.includes(provinceNode.node_id) && cityPeers.includes(provinceNode.fingerprint), cityPeers)

  const pp = provinceBrowser.page
  await openExchange(pp, province.url)
  await registerPeer(pp, 'child', cityNode)
  await pp.locator(byTest('peer-confirm')).click()
  await pp.locator(byTest('peer-save')).click()
  await pp.locator('.el-message--success', { hasText: '已登记下级节点' }).waitFor()
  const provincePeers = await pp.locator(byTest('peers-table')).innerText()
  assert.match(provincePeers, /下级节点/)
  assert.ok(provincePeers.includes(cityNode.node_id) && provincePeers.includes('沈阳'), provincePeers)
})

test('the city exports a bundle, the province inspects and imports it', async () => {
  const cp = cityBrowser.page
  const [download] = await Promise.all([
    cp.waitForEvent('download'),
    cp.locator(byTest(`export-${provinceNode.node_id}`)).click(),
  ])
  assert.match(download.suggestedFilename(), /\.gwcb$/)
  bundlePath = path.join(fileDir, download.suggestedFilename())
  await download.saveAs(bundlePath)
  await cp.locator('.el-message--success', { hasText: '数据包已下载' }).waitFor()
  const cityHistory = cp.locator(byTest('history-table'))
  await cityHistory.getByText('已导出').waitFor()
  assert.match(await cityHistory.innerText(), /导出[\s\S]*辽宁省财政厅/)
  await shot(cp, 'exchange-city-exported')

  const pp = provinceBrowser.page
  await pp.locator(`${byTest('import-bundle-file')} input[type=file]`).setInputFiles(bundlePath)
  await pp.locator(byTest('inspection')).waitFor()
  assert.equal(await pp.locator(byTest('inspect-signature')).innerText(), '签名有效')
  assert.equal(await pp.locator(byTest('inspect-sender-fingerprint')).innerText(), cityNode.fingerprint)
  assert.match(await pp.locator(byTest('inspect-sender-name')).innerText(), /沈阳/)
  assert.equal(await pp.locator(byTest('inspect-refused')).count(), 0)
  await pp.locator(byTest('import-confirm')).scrollIntoViewIfNeeded()
  await shot(pp, 'exchange-province-inspect')

  await pp.locator(byTest('import-confirm')).click()
  // No workflow produces events yet: the bundle carries nothing new.
  await pp.locator('.el-message', { hasText: '已导入' }).waitFor()
  await pp.locator(byTest('inspection')).waitFor({ state: 'hidden' })
  const provinceHistory = pp.locator(byTest('history-table'))
  await provinceHistory.getByText('已导入（无新数据）').waitFor()
  assert.match(await provinceHistory.innerText(), /导入[\s\S]*沈阳/)
  await shot(pp, 'exchange-province-imported')
})

test('a bundle with one byte changed is refused', async () => {
  const bytes = await fs.readFile(bundlePath)
  bytes[Math.floor(bytes.length / 2)] ^= 0x10
  const bad = path.join(fileDir, 'changed.gwcb')
  await fs.writeFile(bad, bytes)

  const pp = provinceBrowser.page
  await pp.locator(`${byTest('import-bundle-file')} input[type=file]`).setInputFiles(bad)
  const refusal = pp.locator(byTest('inspect-refused'))
  await refusal.waitFor()
  await refusal.scrollIntoViewIfNeeded()
  assert.match(await refusal.innerText(), /不能导入此文件[\s\S]*(篡改|被修改|损坏)/)
  if (await pp.locator(byTest('import-confirm')).count()) {
    assert.ok(await pp.locator(byTest('import-confirm')).isDisabled(), 'a refused file cannot be imported')
  }
  await shot(pp, 'exchange-province-refused')

  // The last byte (in the signed contents) changed instead: the header still reads and is
  // signed, but the contents no longer match it; the inspection says so and 确认导入 is off.
  const tail = await fs.readFile(bundlePath)
  tail[tail.length - 1] ^= 0x10
  const badTail = path.join(fileDir, 'changed-tail.gwcb')
  await fs.writeFile(badTail, tail)
  await pp.locator(`${byTest('import-bundle-file')} input[type=file]`).setInputFiles(badTail)
  await pp.locator(byTest('inspection')).waitFor()
  const blocked = pp.locator(`${byTest('inspection')} ${byTest('inspect-refused')}`)
  assert.match(await blocked.innerText(), /不能导入此文件[\s\S]*(篡改|被修改|损坏|不一致)/)
  assert.ok(await pp.locator(byTest('import-confirm')).isDisabled(), 'a refused file cannot be imported')
  await blocked.scrollIntoViewIfNeeded()
  await shot(pp, 'exchange-province-refused-tail')
})
