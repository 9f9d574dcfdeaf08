// The one way the UI talks to the server: JSON under /api/v1.
//
// - Sends the CSRF token on every state-changing request (except /login).
// - Turns `{"error":{"code","message"}}` into an ApiError and, unless the caller
//   asks for `silent`, shows the Chinese message with ElMessage.
// - Sends the user where the error says they belong: 401 → /login?redirect=…,
//   403 must_change_password → /password, 503 not_initialized → /setup.
import { ElMessage } from 'element-plus'
import { session } from './session.js'

const BASE = '/api/v1'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message)
    this.status = status
    this.code = code
    this.body = body
  }
}

let navigate = () => {}
/** main.js wires the router in here (avoids an import cycle router → views → api → router). */
export function onNavigate(fn) {
  navigate = fn
}

function queryString(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/**
 * request('GET', '/units', { query: { q: '和平' } })
 * request('POST', '/units', { body: {...} })
 * Options: `silent` — do not show the error message; `noRedirect` — do not
 * navigate anywhere on 401/403/503 (the login form and the route guards decide
 * themselves).
 */
export async function request(method, path, { query, body, silent = false, noRedirect = false } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (UNSAFE.has(method) && path !== '/login' && session.csrf) headers['X-CSRF-Token'] = session.csrf

  let res
  try {
    res = await fetch(BASE + path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch (e) {
    const err = new ApiError(0, 'network', '无法连接服务器，请确认本系统程序仍在运行。')
    if (!silent) ElMessage.error(err.message)
    throw err
  }

  if (res.status === 204) return null
  const text = await res.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) return data

  const code = data?.error?.code ?? 'http_' + res.status
  const message = data?.error?.message ?? `服务器返回错误（HTTP ${res.status}）`
  const err = new ApiError(res.status, code, message, data)

  if (res.status === 401 && !noRedirect) {
    session.clear()
    navigate({ name: 'login', keepRedirect: true })
    if (!silent) ElMessage.warning('登录已失效，请重新登录')
    throw err
  }
  if (code === 'must_change_password') {
    session.mustChange = true
    if (!noRedirect) navigate({ name: 'password' })
    throw err
  }
  if (code === 'not_initialized') {
    session.initialized = false
    if (!noRedirect) navigate({ name: 'setup' })
    throw err
  }
  if (!silent) ElMessage.error(message)
  throw err
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}
