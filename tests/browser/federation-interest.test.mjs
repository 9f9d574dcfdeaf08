// 调剂意向 across nodes, in the browser: 沈阳市 (210100) and 大连市 (210200), two local nodes under
// 辽宁省 (210000); bundles carried through the 数据交换 API (the pages are federation.test's).
//   set-up (API): the peers registered both ways; in 沈阳 a unit offers an idle computer within
//   the province (scope 省内, on the platform), approved by its reviewer and the authority → up
//   to the province, whose 省财政厅 报送至中央s it → down to 大连, where a unit exists;
//   大连's clerk: 调剂广场 → the platform copy's detail page says that an interest travels by
//   数据包 → 登记调剂意向 (the dialog says so too) → “本单位已登记调剂意向（待处理）”
//   → 大连 → 省 → 沈阳: 沈阳's clerk: to-do “调剂意向待处理” → 收到的意向, the unit named with its
//   node → 接受意向 → 洽谈中
//   → 沈阳 → 省 → 大连: the detail page says 洽谈中 for 大连's unit, 我登记的意向 洽谈中
//   → 沈阳's clerk: 登记调剂结果 from 收到的意向, the receiver pre-filled by name (本节点以外的单位)
//   → 已调剂 at 沈阳 → 沈阳 → 省 → 大连: 已调剂 at 大连
//   → 省财政厅: 统计报表 按节点 — 沈阳's row (as it reported with its last bundle): 完成调剂 1,
//   数据截至 …; 大连's row; the province's own.
// The tests share the servers and browsers and run in order. Screenshots: federation-interest-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  apiSession, byTest, carryBundle, createUser, fill, inputOf, loginAt, offerComputer, openMenu, registerPeer, settled,
  shot, startNode, stopNodes,
} from './helpers.mjs'

const INITIAL = '123qweQWE'
const CODE = 'ZC2024000216'
const SY_NODE_NAME = '沈阳市财政局公物仓'
const DL_NODE_NAME = '大连市财政局公物仓'
const SY_UNIT = '沈阳市和平区教育局'
const DL_UNIT = '大连市中山区教育局'

const SY_CLERK = { username: '210102001001jb', password: 'Heping2025jb' }
const SY_REVIEWER = { username: '210102001001', password: 'Heping2025sh' }
const SY_AUTHORITY = { username: 'sy-czj', password: 'Shenyang2025cz', name: '沈阳市财政局资产管理处' }
const DL_CLERK = { username: '210202003001jb', password: 'Zhongshan2025jb' }
const PROVINCE_USER = { username: 'ln-czt', password: 'Liaoning2025p' }

const shenyang = { kind: 'local', region: '210100', name: SY_NODE_NAME }
const dalian = { kind: 'local', region: '210200', name: DL_NODE_NAME }
const province = { kind: 'province', region: '210000', name: '辽宁省财政厅' }
const nodes = [shenyang, dalian, province]
/** The listing at 沈阳 and its platform copy elsewhere; the interest at 大连 and at 沈阳. */
const ids = { listing: '', remote: '', mine: '', received: '' }

before(async () => {
  for (const n of nodes) await startNode(n)
  await registerPeer(shenyang, province, 'parent', '辽宁省财政厅')
  await registerPeer(dalian, province, 'parent', '辽宁省财政厅')
  await registerPeer(province, shenyang, 'child', SY_NODE_NAME)
  await registerPeer(province, dalian, 'child', DL_NODE_NAME)

  ids.listing = await offerComputer(shenyang, {
    unit: {
      budget_code: '001001', name: SY_UNIT, region: '210102', department: '教育局',
      contact_name: '王芳', contact_phone: '024-22821903',
    },
    clerk: SY_CLERK, reviewer: SY_REVIEWER, authority: SY_AUTHORITY, code: CODE, scope: 'province',
  })
  ids.remote = `${ids.listing}@${shenyang.node.node_id}`
  assert.equal((await carryBundle(shenyang, province)).result, 'applied')
  await createUser(province, PROVINCE_USER, '辽宁省财政厅资产管理处', 'province')
  const czt = await apiSession(province.server.url, PROVINCE_USER.username, PROVINCE_USER.password)
  await czt.post(`/listings/${ids.remote}/submit-central`, { decision: 'approve' })
  await czt.close()

  await dalian.admin.post('/units', {
    budget_code: '003001', name: DL_UNIT, region: '210202', department: '教育局', unit_type: 'administrative',
    physical_warehouse: false, contact_name: '赵强', contact_phone: '0411-82800001',
  })
  await (await apiSession(dalian.server.url, DL_CLERK.username, INITIAL, DL_CLERK.password)).close()
  assert.equal((await carryBundle(province, dalian)).result, 'applied')
})

after(() => stopNodes(nodes))

/** Bundles from `from` through the province to `to`, each with something new. */
async function viaProvince(from, to) {
  for (const [a, b] of [[from, province], [province, to]]) {
    const outcome = await carryBundle(a, b)
    assert.equal(outcome.result, 'applied', `${a.name} → ${b.name}: ${JSON.stringify(outcome)}`)
  }
}

/** The detail page of `id` reached (the router may escape the @ of a received listing's id). */
const onListing = (page, id) => page.waitForURL((u) => decodeURIComponent(u.pathname) === `/listings/${id}`)

/** `user`'s interests at node `n` (GET /interests). */
async function interestsAt(n, user) {
  const api = await apiSession(n.server.url, user.username, user.password)
  const all = await api.get('/interests')
  await api.close()
  return all
}

/** The state tag of interest `id` once it reads `text`; its status cell's text. */
async function interestState(page, id, text) {
  await page.locator(byTest('interest-state-' + id)).filter({ hasText: text }).waitFor()
  return page.locator(byTest('interest-status-' + id)).innerText()
}

async function confirmBox(page, button) {
  const box = page.locator('.el-message-box', { has: page.getByRole('button', { name: button, exact: true }) })
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden' })
}

test('大连: the platform copy of 沈阳\'s computer says that an interest travels by 数据包; 登记调剂意向', async () => {
  const page = await loginAt(dalian, DL_CLERK)
  await openMenu(page, 'platform-transfer', '/platform/transfer')
  const item = page.locator(byTest('plaza-item-' + CODE))
  await item.waitFor()
  assert.equal(await item.locator(byTest('origin-tag')).innerText(), `来自 ${SY_NODE_NAME}`)
  await item.click()
  await onListing(page, ids.remote)
  const note = page.locator(byTest('listing-remote-interest'))
  await note.waitFor()
  assert.equal(
    (await note.innerText()).trim(),
    `该资产由${SY_NODE_NAME}发布：登记的意向将随本节点下次导出的数据包报送，资产所属单位处理后的结果随数据包传回。`,
  )
  assert.equal(await page.locator(byTest('listing-origin')).innerText(), SY_NODE_NAME)
  await settled(page)
  await shot(page, 'federation-interest-01-dalian-detail')

  await page.locator(byTest('listing-interest')).click()
  const dialog = page.locator(byTest('interest-dialog'))
  await dialog.locator('.el-form').waitFor()
  assert.match(await dialog.innerText(), new RegExp(`台式计算机[\\s\\S]*${SY_UNIT}（${SY_NODE_NAME}）`))
  assert.match(await page.locator(byTest('interest-dialog-note')).innerText(), /随本节点下次导出的数据包报送[\s\S]*随数据包传回/)
  await page.waitForFunction((sel) => document.querySelector(sel)?.value === '0411-82800001', `input${byTest('interest-contact-phone')}`)
  assert.equal(await inputOf(page, 'interest-contact-name').inputValue(), '赵强')
  await fill(page, 'interest-purpose', '新设计算机教室使用')
  await fill(page, 'interest-note', '可自行上门搬运')
  await shot(page, 'federation-interest-02-dalian-register-dialog')
  await page.locator(byTest('interest-submit')).click()
  await page.locator('.el-message--success', { hasText: `已登记调剂意向，将随本节点下次导出的数据包报送${SY_NODE_NAME}` }).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  const mine = page.locator(byTest('listing-my-interest'))
  await mine.waitFor()
  assert.match(await mine.innerText(), /本单位已登记调剂意向（待处理）[\s\S]*随本节点导出的数据包报送/)
  assert.equal(await page.locator(byTest('listing-interest')).count(), 0, 'no second registration')
  assert.equal(await page.locator(byTest('listing-remote-interest')).count(), 0, 'said once, in the own interest\'s note')
  await shot(page, 'federation-interest-03-dalian-registered')

  const { registered } = await interestsAt(dalian, DL_CLERK)
  assert.equal(registered.length, 1)
  assert.equal(registered[0].listing_unit_name, SY_UNIT)
  ids.mine = registered[0].id
})

test('沈阳, after the bundles: the to-do → 收到的意向 (the unit with its node) → 接受意向', async () => {
  await viaProvince(dalian, shenyang)
  const page = await loginAt(shenyang, SY_CLERK)
  const todo = page.locator(byTest('todo-interests_open'))
  await todo.waitFor()
  assert.match(await todo.innerText(), /1 条调剂意向待处理/)
  await todo.click()
  await page.waitForURL('**/warehouse/interests?tab=received')
  const { received } = await interestsAt(shenyang, SY_CLERK)
  assert.equal(received.length, 1)
  ids.received = received[0].id
  const unit = page.locator(byTest('interest-unit-' + ids.received))
  await unit.waitFor()
  assert.equal(await unit.innerText(), `${DL_UNIT}（${DL_NODE_NAME}）`)
  assert.match(await interestState(page, ids.received, '待处理'), /排第 1 位/)
  const row = page.locator(byTest('interests-received-table')).locator('tr.el-table__row', { has: unit })
  const text = await row.innerText()
  for (const part of ['台式计算机', CODE, '新设计算机教室使用', '可自行上门搬运', '赵强', '0411-82800001']) {
    assert.ok(text.includes(part), `the row shows ${part}: ${text}`)
  }
  await settled(page)
  await shot(page, 'federation-interest-04-shenyang-received')

  await page.locator(byTest('interest-accept-' + ids.received)).click()
  assert.match(await page.locator('.el-message-box').innerText(), new RegExp(`接受${DL_UNIT}（${DL_NODE_NAME}）对“台式计算机”的调剂意向`))
  await confirmBox(page, '接受意向')
  assert.match(await interestState(page, ids.received, '洽谈中'), /至 \d{4}-\d{2}-\d{2}；达成调剂后请登记调剂结果/)
  await page.locator(byTest('interest-result-' + ids.received)).waitFor()
  await settled(page)
  await shot(page, 'federation-interest-05-shenyang-accepted')
})

test('大连, after the bundles: the detail page says 洽谈中 for its unit; 我登记的意向 洽谈中', async () => {
  await viaProvince(shenyang, dalian)
  const page = await loginAt(dalian, DL_CLERK)
  await page.goto(new URL(`/listings/${encodeURIComponent(ids.remote)}`, dalian.server.url).href)
  const note = page.locator(byTest('listing-hold-note'))
  await note.waitFor()
  const held = await note.innerText()
  assert.match(held, new RegExp(`该资产已与${DL_UNIT}达成调剂意向，洽谈中（至 \\d{4}-\\d{2}-\\d{2}）`), held)
  assert.match(held, /已被资产所属单位接受[\s\S]*调剂结果随数据包传回/, held)
  await page.locator(byTest('listing-hold')).waitFor()
  await settled(page)
  await shot(page, 'federation-interest-06-dalian-detail-held')

  await page.locator(byTest('listing-hold-note-link')).click()
  await page.waitForURL('**/warehouse/interests?tab=registered')
  assert.match(await interestState(page, ids.mine, '洽谈中'), /洽谈中，至 \d{4}-\d{2}-\d{2}，请与资产所属单位联系/)
  assert.match(await page.locator(byTest('interests-registered-table')).innerText(), new RegExp(SY_UNIT))
  await settled(page)
  await shot(page, 'federation-interest-07-dalian-registered-accepted')
})

test('沈阳: 登记调剂结果 from 收到的意向, the receiver pre-filled by name → 已调剂', async () => {
  const page = await loginAt(shenyang, SY_CLERK)
  await page.goto(new URL(`/listings/${ids.listing}`, shenyang.server.url).href)
  const note = page.locator(byTest('listing-hold-note'))
  await note.waitFor()
  assert.match(await note.innerText(), new RegExp(`该资产已与${DL_UNIT}达成调剂意向，洽谈中`))
  await page.locator(byTest('listing-act-result')).waitFor()
  await settled(page)
  await shot(page, 'federation-interest-08-shenyang-detail-held')
  await page.locator(byTest('listing-hold-note-link')).click()
  await page.waitForURL('**/warehouse/interests?tab=received')
  await page.locator(byTest('interest-result-' + ids.received)).click()
  const dialog = page.locator(byTest('listing-result-dialog'))
  await dialog.locator('.el-form').waitFor()
  assert.ok(await page.locator(`${byTest('result-receiver-kind-other')} input`).isChecked(), '本节点以外的单位')
  assert.equal(await inputOf(page, 'result-receiver-name').inputValue(), DL_UNIT, 'the name its interest is completed by')
  assert.equal(await inputOf(page, 'result-quantity').inputValue(), '1')
  assert.equal(
    await page.locator(byTest('result-from-interest')).innerText(),
    `已按调剂意向填写接收方：${DL_UNIT}，数量 1。登记后该意向显示“已调剂”，其他单位的意向自动结束。`,
  )
  await fill(page, 'result-note', '已办理跨地区调拨手续')
  await shot(page, 'federation-interest-09-shenyang-result-dialog')
  await page.locator(byTest('result-submit')).click()
  await dialog.waitFor({ state: 'hidden' })
  await interestState(page, ids.received, '已调剂')
  await settled(page)
  await shot(page, 'federation-interest-10-shenyang-completed')

  const api = await apiSession(shenyang.server.url, SY_CLERK.username, SY_CLERK.password)
  const listing = await api.get(`/listings/${ids.listing}`)
  await api.close()
  assert.equal(listing.state, 'completed')
  assert.deepEqual([listing.result.receiver_name, listing.result.receiver_unit_id ?? null], [DL_UNIT, null])
})

test('大连, after the bundles: 我登记的意向 已调剂', async () => {
  await viaProvince(shenyang, dalian)
  const page = await loginAt(dalian, DL_CLERK)
  await openMenu(page, 'warehouse-interests', '/warehouse/interests')
  await interestState(page, ids.mine, '已调剂')
  assert.equal(await page.locator(byTest('interest-withdraw-' + ids.mine)).count(), 0, 'nothing to withdraw')
  await settled(page)
  await shot(page, 'federation-interest-11-dalian-registered-completed')
})

test('省财政厅: 统计报表 按节点 — 沈阳 reported 完成调剂 1 with its last bundle, 数据截至 …', async () => {
  const page = await loginAt(province, PROVINCE_USER)
  await page.locator(byTest('menu-reports-summary')).click()
  await page.waitForURL('**/reports**')
  await page.locator('.el-radio-button.is-active', { hasText: '按节点' }).waitFor()
  const syRow = page.locator(byTest('report-table')).locator('tr.el-table__row', {
    has: page.locator(byTest('report-row-' + shenyang.node.node_id)),
  })
  await syRow.waitFor()
  await settled(page)

  const user = await apiSession(province.server.url, PROVINCE_USER.username, PROVINCE_USER.password)
  const report = await user.get('/reports/summary?group=node')
  await user.close()
  const sy = report.rows.find((r) => r.key === shenyang.node.node_id)
  assert.ok(sy?.as_of, JSON.stringify(report.rows))
  assert.ok(sy.completed_transfers >= 1, `沈阳's 完成调剂: ${sy.completed_transfers}`)
  assert.equal(await syRow.locator(byTest('report-cell-completed_transfers')).innerText(), String(sy.completed_transfers))
  const asOf = await syRow.locator(byTest('report-as-of-' + shenyang.node.node_id)).innerText()
  assert.match(asOf, /沈阳市[\s\S]*数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/, asOf)
  assert.match(await syRow.innerText(), new RegExp(SY_NODE_NAME))
  const keys = await page.locator('.report-table [data-test^="report-row-"]').evaluateAll((els) =>
    els.map((e) => e.dataset.test.slice('report-row-'.length)),
  )
  assert.deepEqual(keys.toSorted(), report.rows.map((r) => r.key || 'none').toSorted(), 'the rows the server gave')
  await page.locator(byTest('report-own-node')).waitFor()
  await page.locator(byTest('report-meta')).evaluate((el) => el.scrollIntoView({ block: 'start' }))
  await shot(page, 'federation-interest-12-province-report-by-node')
})
