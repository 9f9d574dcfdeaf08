// 关于: the product, this node and the two support contacts (业务问题 / 技术问题),
// from the public GET /api/v1/about, fetched once and kept for the whole visit.
//
// The error display needs the contacts exactly when the server may be gone, so
// main.js asks for them at start-up; a failed answer is not kept (asked again
// next time). Plain fetch, not api.js: api.js shows its errors with these
// contacts, and /about needs no session or CSRF token.
import { reactive } from 'vue'

/** The answer of GET /about once known (null before), for templates. */
export const about = reactive({ value: null })

let pending = null

/** The /about answer (cached); null when the server cannot be reached. */
export function loadAbout() {
  if (about.value) return Promise.resolve(about.value)
  return fetchAbout()
}

/** Ask again (the 关于 page itself, and after 系统设置 saved new contacts); keeps the old answer on failure. */
export function refreshAbout() {
  return fetchAbout().then((answer) => answer ?? about.value)
}

function fetchAbout() {
  if (!pending) {
    pending = fetch('/api/v1/about', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .catch(() => null)
      .then((answer) => {
        pending = null
        if (answer) about.value = answer
        return answer
      })
  }
  return pending
}

/** Shown when the admin has not filled in a contact yet. */
export const CONTACT_NOT_SET = '尚未设置（请联系系统管理员在“系统设置”中填写）'

/** "省财政厅资产管理处，联系电话：024-22821903", or CONTACT_NOT_SET. */
export function contactText(contact) {
  if (!contact?.name && !contact?.phone) return CONTACT_NOT_SET
  return [contact.name, contact.phone ? `联系电话：${contact.phone}` : ''].filter(Boolean).join('，')
}

/** The two contacts as the notice words them, one line each (for error messages). */
export function supportLines(answer = about.value) {
  if (!answer) return []
  const lines = []
  if (answer.business_contact?.name) lines.push(`业务问题请联系${contactText(answer.business_contact)}`)
  if (answer.technical_contact?.name) lines.push(`技术问题请联系${contactText(answer.technical_contact)}`)
  return lines
}
