// Who is logged in, what they may do, and which node this is.
//
// The session cookie is HttpOnly; the UI only keeps the CSRF token (memory and
// sessionStorage, so a reload keeps working) and the answer of /login or /me.
import { reactive } from 'vue'

const CSRF_KEY = 'gwc.csrf'

function storedCsrf() {
  try {
    return sessionStorage.getItem(CSRF_KEY) || ''
  } catch {
    return ''
  }
}

export const session = reactive({
  user: null,
  permissions: [],
  mustChange: false,
  csrf: storedCsrf(),
  /** GET /node answer, or null before it is known. */
  node: null,
  /** GET /setup answer: null = not asked yet. */
  initialized: null,

  /** Take the answer of POST /login or GET /me. */
  accept(answer) {
    this.user = answer.user
    this.permissions = answer.permissions ?? []
    this.mustChange = !!answer.must_change_password
    if (answer.csrf_token) {
      this.csrf = answer.csrf_token
      try {
        sessionStorage.setItem(CSRF_KEY, answer.csrf_token)
      } catch {
        /* private mode: memory only */
      }
    }
  },

  clear() {
    this.user = null
    this.permissions = []
    this.mustChange = false
    this.csrf = ''
    try {
      sessionStorage.removeItem(CSRF_KEY)
    } catch {
      /* ignore */
    }
  },

  /** One permission name, or a list of which any one suffices. */
  can(permission) {
    if (!permission) return true
    if (Array.isArray(permission)) return permission.length === 0 || permission.some((p) => this.permissions.includes(p))
    return this.permissions.includes(permission)
  },
})
