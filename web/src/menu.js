// The left menu and the pages behind it, in one list.
//
// Groups follow the notice (辽财资〔2025〕116号): 首页待办事项, 虚拟公物仓,
// 调剂共享平台, 审批中心, 统计报表, 系统管理. A group is shown only when the
// user may open at least one of its pages. To add a page: add one item here
// (title, path, permission from /me's `permissions`, group, component); the
// router and the menu pick it up. The server checks permissions anyway.
import { markRaw } from 'vue'
import { House, Box, Share, Stamp, DataAnalysis, Setting } from '@element-plus/icons-vue'

export const MENU_GROUPS = [
  { key: 'home', title: '首页待办事项', icon: markRaw(House) },
  { key: 'warehouse', title: '虚拟公物仓', icon: markRaw(Box) },
  { key: 'exchange', title: '调剂共享平台', icon: markRaw(Share) },
  { key: 'approval', title: '审批中心', icon: markRaw(Stamp) },
  { key: 'reports', title: '统计报表', icon: markRaw(DataAnalysis) },
  { key: 'system', title: '系统管理', icon: markRaw(Setting) },
]

/**
 * name: route name; test: the `data-test` of the menu entry (menu-<test>).
 * permission: null = every logged-in user; a list = any one of them.
 * props: passed to the page component (one view serving several pages).
 * hidden: a page reached from another one (not in the menu); `menu` is then
 * the path of the menu entry to highlight while it is open.
 */
export const MENU_ITEMS = [
  {
    group: 'home',
    name: 'home',
    title: '首页待办事项',
    path: '/',
    permission: null,
    test: 'home',
    component: () => import('./views/HomeView.vue'),
  },
  {
    group: 'warehouse',
    name: 'warehouse-entry',
    title: '入仓申请',
    path: '/warehouse/entry',
    permission: 'listings.create',
    test: 'warehouse-entry',
    component: () => import('./views/ListingEntryView.vue'),
  },
  {
    group: 'warehouse',
    name: 'warehouse-exit',
    title: '退仓申请',
    path: '/warehouse/exit',
    permission: 'listings.create',
    test: 'warehouse-exit',
    component: () => import('./views/ListingExitView.vue'),
  },
  {
    group: 'warehouse',
    name: 'warehouse-mine',
    title: '我的信息',
    path: '/warehouse/mine',
    permission: ['listings.create', 'listings.review'],
    test: 'warehouse-mine',
    component: () => import('./views/ListingMineView.vue'),
  },
  {
    group: 'warehouse',
    name: 'warehouse-plaza',
    title: '公物仓广场',
    path: '/warehouse/plaza',
    permission: 'plaza.read',
    test: 'warehouse-plaza',
    props: { kind: 'warehouse' },
    component: () => import('./views/PlazaView.vue'),
  },
  {
    group: 'warehouse',
    name: 'listing',
    title: '资产信息详情',
    path: '/listings/:id',
    permission: ['plaza.read', 'listings.read'],
    test: 'listing',
    hidden: true,
    menu: '/warehouse/plaza',
    component: () => import('./views/ListingDetailView.vue'),
  },
  {
    group: 'warehouse',
    name: 'cards',
    title: '资产卡片',
    path: '/cards',
    permission: 'cards.read',
    test: 'cards',
    component: () => import('./views/CardsView.vue'),
  },
  {
    group: 'warehouse',
    name: 'cards-import',
    title: '导入台账',
    path: '/cards/import',
    permission: 'cards.import',
    test: 'cards-import',
    component: () => import('./views/CardImportView.vue'),
  },
  {
    group: 'warehouse',
    name: 'card',
    title: '卡片详情',
    path: '/cards/:id',
    permission: 'cards.read',
    test: 'card',
    hidden: true,
    menu: '/cards',
    component: () => import('./views/CardDetailView.vue'),
  },
  {
    group: 'warehouse',
    name: 'locations',
    title: '存放地点',
    path: '/locations',
    permission: 'locations.read',
    test: 'locations',
    component: () => import('./views/LocationsView.vue'),
  },
  {
    group: 'warehouse',
    name: 'quality',
    title: '数据质量',
    path: '/quality',
    permission: 'quality.read',
    test: 'quality',
    component: () => import('./views/QualityView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-submissions',
    title: '调剂数据报送',
    path: '/platform/submissions',
    permission: ['listings.authority_review', 'listings.submit_central'],
    test: 'platform-submissions',
    component: () => import('./views/PlatformSubmissionsView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-mine',
    title: '我的信息',
    path: '/platform/mine',
    permission: 'listings.create',
    test: 'platform-mine',
    component: () => import('./views/PlatformMineView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-demands',
    title: '我的需求',
    path: '/platform/demands',
    permission: 'demands.read',
    test: 'platform-demands',
    component: () => import('./views/DemandMineView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-transfer',
    title: '调剂广场',
    path: '/platform/transfer',
    permission: 'plaza.read',
    test: 'platform-transfer',
    props: { kind: 'transfer' },
    component: () => import('./views/PlazaView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-share',
    title: '共享广场',
    path: '/platform/share',
    permission: 'plaza.read',
    test: 'platform-share',
    props: { kind: 'share' },
    component: () => import('./views/PlazaView.vue'),
  },
  {
    group: 'exchange',
    name: 'platform-demand-plaza',
    title: '需求广场',
    path: '/platform/demand-plaza',
    permission: 'plaza.read',
    test: 'platform-demand-plaza',
    component: () => import('./views/DemandPlazaView.vue'),
  },
  {
    group: 'approval',
    name: 'approvals-entry',
    title: '入仓审批',
    path: '/approvals/entry',
    permission: 'listings.review',
    test: 'approvals-entry',
    props: { kind: 'entry' },
    component: () => import('./views/ApprovalsView.vue'),
  },
  {
    group: 'approval',
    name: 'approvals-exit',
    title: '退仓审批',
    path: '/approvals/exit',
    permission: 'listings.review',
    test: 'approvals-exit',
    props: { kind: 'exit' },
    component: () => import('./views/ApprovalsView.vue'),
  },
  {
    group: 'system',
    name: 'units',
    title: '单位管理',
    path: '/system/units',
    permission: 'units.list',
    test: 'units',
    component: () => import('./views/UnitsView.vue'),
  },
  {
    group: 'system',
    name: 'users',
    title: '用户管理',
    path: '/system/users',
    permission: 'users.list',
    test: 'users',
    component: () => import('./views/UsersView.vue'),
  },
  {
    group: 'system',
    name: 'audit',
    title: '审计日志',
    path: '/system/audit',
    permission: 'audit.list',
    test: 'audit',
    component: () => import('./views/AuditView.vue'),
  },
  {
    group: 'system',
    name: 'node',
    title: '本节点信息',
    path: '/system/node',
    permission: 'node.read',
    test: 'node',
    component: () => import('./views/NodeView.vue'),
  },
]

/** The menu for a session: groups with their visible items, empty groups dropped. */
export function visibleMenu(can) {
  return MENU_GROUPS.map((g) => ({
    ...g,
    items: MENU_ITEMS.filter((i) => i.group === g.key && !i.hidden && can(i.permission)),
  })).filter((g) => g.items.length > 0)
}
