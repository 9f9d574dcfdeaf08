// Client routes (HTML5 history; the server answers index.html for any non-/api path).
//
// Guards, in order: the node must be initialised (else /setup); pages inside the
// main layout need a session (else /login?redirect=…; 关于 then opens its public
// twin /login/about); a user who must change the initial password sees only
// /password; a page needs its permission.
//
// The printable pages (资产调剂交接单, 资产标签) are full pages outside the main layout
// (no header, no menu), yet need a session and their permission like any other page.
import { createRouter, createWebHistory } from 'vue-router'
import { api } from './api.js'
import { session } from './session.js'
import { MENU_ITEMS } from './menu.js'
import MainLayout from './layouts/MainLayout.vue'

const routes = [
  { path: '/setup', name: 'setup', component: () => import('./views/SetupView.vue'), meta: { public: true } },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/login/about',
    name: 'about-public',
    component: () => import('./views/AboutView.vue'),
    props: { standalone: true },
    meta: { public: true, title: '关于' },
  },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue') },
  {
    path: '/listings/:id/handover',
    name: 'listing-handover',
    component: () => import('./views/HandoverView.vue'),
    meta: { title: '资产调剂交接单', permission: 'listings.view', print: true },
  },
  {
    path: '/listings/:id/label',
    name: 'listing-label',
    component: () => import('./views/ListingLabelView.vue'),
    meta: { title: '资产标签', permission: 'listings.view', print: true },
  },
  {
    path: '/warehouse/stocktakes/:id/print',
    name: 'stocktake-print',
    component: () => import('./views/StocktakePrintView.vue'),
    meta: { title: '盘点清单', permission: 'stocktakes.read', print: true },
  },
  {
    // The page a checklist's QR code opens on a phone: just the 盘点 panel of one card.
    path: '/warehouse/stocktakes/:id/check/:cardId',
    name: 'stocktake-check',
    component: () => import('./views/StocktakeCheckView.vue'),
    meta: { title: '现场盘点', permission: 'stocktakes.read' },
  },
  // The server's to-do links name 我的需求 by this path.
  { path: '/demands/mine', redirect: (to) => ({ name: 'platform-demands', query: to.query }) },
  {
    path: '/',
    component: MainLayout,
    children: MENU_ITEMS.map((item) => ({
      path: item.path === '/' ? '' : item.path.replace(/^\//, ''),
      name: item.name,
      component: item.component,
      props: item.props ?? false,
      meta: { title: item.title, permission: item.permission, group: item.group, menu: item.menu ?? item.path },
    })),
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHistory('/'), routes })

async function ensureSetupKnown() {
  if (session.initialized !== null) return
  try {
    const s = await api.get('/setup', undefined, { silent: true, noRedirect: true })
    session.initialized = !!s?.initialized
  } catch {
    // Server unreachable or old: assume initialised; pages will show the error.
    session.initialized = true
  }
}

/** Load /me once after a reload; false when there is no session. */
async function ensureSession() {
  if (session.user) return true
  try {
    const me = await api.get('/me', undefined, { silent: true, noRedirect: true })
    session.accept(me)
    return true
  } catch (e) {
    // A session that must first change its password may be refused /me.
    return e.code === 'must_change_password'
  }
}

router.beforeEach(async (to) => {
  await ensureSetupKnown()
  if (!session.initialized) return to.name === 'setup' ? true : { name: 'setup' }
  if (to.name === 'setup') return { name: 'login' }
  if (to.meta.public) return true

  if (!(await ensureSession())) {
    if (to.name === 'about') return { name: 'about-public' }
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (session.mustChange && to.name !== 'password') return { name: 'password' }
  if (to.meta.permission && !session.can(to.meta.permission)) return { name: 'home' }
  return true
})

router.afterEach((to) => {
  const base = '行政事业单位国有资产虚拟公物仓及调剂共享平台'
  document.title = to.meta.title ? `${to.meta.title} - ${base}` : base
})
