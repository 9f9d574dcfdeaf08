// The one way the UI talks to the server: JSON under /api/v1.
//
// - Sends the CSRF token on every state-changing request (except /login).
// - Turns `{"error":{"code","message"}}` into an ApiError and, unless the caller
//   asks for `silent`, shows the Chinese message with ElMessage.
// - Sends the user where the error says they belong: 401 → /login?redirect=…,
//   403 must_change_password → /password, 503 not_initialized → /setup.
// - A server error (5xx) or no answer at all also names the support contacts
//   (业务问题 / 技术问题, from 关于), so the user knows whom to call.
// - `upload` sends a file (multipart, with upload progress), `download` saves one
//   (with download progress).
import { h } from 'vue'
import { ElMessage } from 'element-plus'
import { session } from './session.js'
import { loadAbout, supportLines } from './about.js'

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

/**
 * Show an error message; for a server failure (status 0 = no answer, or 5xx)
 * with the support contacts under it, and longer, so they can be noted down.
 */
export function showError(message, status = 400) {
  if (status !== 0 && status < 500) {
    ElMessage.error(message)
    return
  }
  loadAbout().then(() => {
    const lines = supportLines()
    ElMessage({
      type: 'error',
      showClose: true,
      duration: lines.length ? 12_000 : 5_000,
      message: h('div', { class: 'server-error', 'data-test': 'server-error' }, [
        h('div', message),
        ...(lines.length ? lines : ['如问题持续，请联系本单位或本级财政部门的系统管理员。']).map((line) =>
          h('div', { class: 'server-error-contact', 'data-test': 'server-error-contact' }, line),
        ),
      ]),
    })
  })
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
    if (!silent) showError(err.message, 0)
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
  throw failure(res.status, data, { silent, noRedirect })
}

/** The ApiError of a failed answer, after showing it and navigating where it says. */
function failure(status, data, { silent = false, noRedirect = false } = {}) {
  const code = data?.error?.code ?? 'http_' + status
  const message =
    data?.error?.message ?? (status === 413 ? '文件太大，超过了系统允许的大小' : `服务器返回错误（HTTP ${status}）`)
  const err = new ApiError(status, code, message, data)

  if (status === 401 && !noRedirect) {
    session.clear()
    navigate({ name: 'login', keepRedirect: true })
    if (!silent) ElMessage.warning('登录已失效，请重新登录')
    return err
  }
  if (code === 'must_change_password') {
    session.mustChange = true
    if (!noRedirect) navigate({ name: 'password' })
    return err
  }
  if (code === 'not_initialized') {
    session.initialized = false
    if (!noRedirect) navigate({ name: 'setup' })
    return err
  }
  if (!silent) showError(message, status)
  return err
}

/**
 * Send one file as multipart `file` (XMLHttpRequest, for its upload progress).
 * upload('/cards/import', file, { query: { dry_run: 'true' }, onProgress: (p) => … })
 * `onProgress(percent)` runs while the bytes go out; `onSent()` once they are all
 * sent and the server is working. Errors as for `request`.
 */
export function upload(path, file, { query, field = 'file', onProgress, onSent, silent = false } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', BASE + path + queryString(query))
    xhr.setRequestHeader('Accept', 'application/json')
    if (session.csrf) xhr.setRequestHeader('X-CSRF-Token', session.csrf)
    xhr.withCredentials = true
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.min(100, Math.floor((e.loaded * 100) / e.total)))
    }
    xhr.upload.onload = () => {
      onProgress?.(100)
      onSent?.()
    }
    xhr.onerror = () => {
      const err = new ApiError(0, 'network', '上传失败：无法连接服务器，请确认本系统程序仍在运行。')
      if (!silent) showError(err.message, 0)
      reject(err)
    }
    xhr.onload = () => {
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else reject(failure(xhr.status, data, { silent }))
    }
    const form = new FormData()
    form.append(field, file, file.name)
    xhr.send(form)
  })
}

/**
 * GET a file (e.g. an .xlsx template) and hand it to the browser as a download.
 * `{ method: 'POST', body }` posts JSON (with the CSRF token) instead, e.g. a
 * bundle export. `query` as for `request` (e.g. a report's period). `onProgress(received, total)`
 * runs while the bytes come in (`total` null when the server does not say). Resolves to the
 * saved file's name.
 */
export async function download(path, fallbackName, { method = 'GET', body, query, onProgress } = {}) {
  const init = { method, credentials: 'same-origin', headers: {} }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (UNSAFE.has(method) && session.csrf) init.headers['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch(BASE + path + queryString(query), init)
  } catch {
    showError('无法连接服务器，请确认本系统程序仍在运行。', 0)
    return
  }
  if (!res.ok) {
    let data = null
    try {
      data = await res.json()
    } catch {
      data = null
    }
    throw failure(res.status, data)
  }
  let blob
  try {
    blob = onProgress ? await receive(res, onProgress) : await res.blob()
  } catch {
    showError('下载中断：与服务器的连接断开，请重新下载。', 0)
    return
  }
  let name = fallbackName
  const cd = res.headers.get('Content-Disposition') || ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)
  const plain = /filename="?([^";]+)"?/i.exec(cd)
  if (star) name = decodeURIComponent(star[1])
  else if (plain) name = plain[1]
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

/** The body of `res` as a Blob, reporting `onProgress(received, total)` chunk by chunk. */
async function receive(res, onProgress) {
  const length = Number(res.headers.get('Content-Length'))
  const total = Number.isFinite(length) && length > 0 ? length : null
  if (!res.body?.getReader) return res.blob()
  const reader = res.body.getReader()
  const chunks = []
  let received = 0
  onProgress(0, total)
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    received += value.length
    onProgress(received, total)
  }
  return new Blob(chunks, { type: res.headers.get('Content-Type') || 'application/octet-stream' })
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}
