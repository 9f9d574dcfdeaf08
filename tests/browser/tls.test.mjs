// A city node serving its LAN (`serve --tls` with the node's own self-signed certificate):
// the administrator logs in over HTTPS and 本节点信息 shows the certificate's SHA-256
// fingerprint — the one the browser really received — to compare with the browser's warning;
// the session cookie is Secure.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import tls from 'node:tls'
import { ADMIN_PASSWORD, byTest, initNode, launchBrowser, login, shot, startServer, tempDir } from './helpers.mjs'

let dataDir, server, browser

before(async () => {
  dataDir = await tempDir('gwc-tls-')
  await initNode(dataDir)
  server = await startServer(dataDir, ['--tls'])
  // The certificate is the node's own: a real browser warns once; this one is told to go on.
  browser = await launchBrowser({ ignoreHTTPSErrors: true })
})

after(async () => {
  assert.deepEqual(browser?.consoleErrors ?? [], [], 'no uncaught errors in the page')
  await browser?.close()
  await server?.stop()
  await fs.rm(dataDir, { recursive: true, force: true })
})

/** The SHA-256 fingerprint of the certificate the server presents, as browsers show it. */
function presentedFingerprint(url) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate()
      socket.end()
      resolve(crypto.createHash('sha256').update(cert.raw).digest('hex').toUpperCase().match(/../g).join(':'))
    })
    socket.on('error', reject)
  })
}

test('over HTTPS, 本节点信息 shows the fingerprint of the certificate the browser received', async () => {
  const { page } = browser
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/)
  await login(page, server.url, 'admin', ADMIN_PASSWORD)
  assert.equal(new URL(page.url()).protocol, 'https:')

  const cookies = await page.context().cookies(server.url)
  assert.ok(cookies.length > 0 && cookies.every((c) => c.secure && c.httpOnly), JSON.stringify(cookies))

  await page.goto(new URL('/system/node', server.url).href)
  const shown = (await page.locator(byTest('node-https-fingerprint')).innerText()).trim()
  assert.equal(shown, await presentedFingerprint(server.url))
  const pem = await fs.readFile(path.join(dataDir, 'tls', 'cert.pem'), 'utf8')
  assert.equal(shown, new crypto.X509Certificate(pem).fingerprint256, 'the certificate init made')
  const access = await page.locator(byTest('node-https')).innerText()
  assert.match(access, /HTTPS 加密/)
  assert.match(access, /本节点的自签名证书/)
  assert.match(access, /与上面一致时再继续访问/)
  await shot(page, 'tls-node-info')
})
