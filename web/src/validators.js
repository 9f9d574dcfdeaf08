// Form rules shared by several pages. The server checks the same rules; these
// only give the user the answer before the round trip.

export const PASSWORD_HINT = '至少8位，须同时包含字母和数字'

export function passwordProblem(pw) {
  if (!pw) return '请输入密码'
  if (pw.length < 8) return '密码至少8位'
  if (!/[A-Za-z]/.test(pw) || !/[0-9]/.test(pw)) return '密码须同时包含字母和数字'
  return ''
}

/** el-form rule: strong enough password. */
export const passwordRule = {
  required: true,
  validator: (_rule, value, cb) => {
    const p = passwordProblem(value)
    p ? cb(new Error(p)) : cb()
  },
  trigger: 'blur',
}

/** el-form rule: equals another field of `model` (password confirmation). */
export function sameAs(model, field, message = '两次输入的密码不一致') {
  return {
    validator: (_rule, value, cb) => (value === model[field] ? cb() : cb(new Error(message))),
    trigger: 'blur',
  }
}

export const required = (message, trigger = 'blur') => ({ required: true, message, trigger })

export const phoneRule = {
  pattern: /^[0-9+\-() ]{5,20}$/,
  message: '请输入有效的电话号码，如 024-22821903 或 13800000000',
  trigger: 'blur',
}
