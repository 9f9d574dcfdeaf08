// Every English enum of the API (API.md: "the UI translates them") and its
// Chinese label, in one place. Use `label(map, value)` so an enum the UI does
// not know yet still shows something instead of an empty cell.

export const ROLES = {
  clerk: '单位经办岗',
  reviewer: '单位审核岗',
  authority: '资产管理行政主管部门',
  province: '省财政厅',
  national: '全国平台运营',
  admin: '系统管理员',
}

/** Roles bound to a unit (the others are bound to a region, except admin). */
export const UNIT_ROLES = ['clerk', 'reviewer']
export const REGION_ROLES = ['authority', 'province', 'national']

export const NODE_KINDS = {
  local: '本地节点（市、县或省本级）',
  province: '省级节点',
  national: '全国节点',
}

export const NODE_KINDS_SHORT = { local: '本地节点', province: '省级节点', national: '全国节点' }

export const UNIT_TYPES = { administrative: '行政单位', institution: '事业单位' }

export const REGION_LEVELS = { province: '省级', city: '市级', county: '县级' }

export const CARD_STATUSES = {
  in_use: '在用',
  idle: '闲置',
  pending_disposal: '待处置',
  low_efficiency: '低效运转',
  leased: '出租出借',
}

export const MODES = { transfer: '调剂', share: '共享' }

export const SCOPES = {
  department: '本部门',
  county: '本区县',
  city: '本地市',
  province: '本省',
  national: '全国',
}

export const LISTING_STATES = {
  draft: '草稿',
  pending_entry: '入仓待审批',
  returned: '已退回',
  published: '已发布',
  pending_exit: '退仓待审批',
  withdrawn: '已退仓',
  completed: '已完成调剂',
}

export const NATIONAL_STATES = {
  none: '未纳入',
  pending_authority: '待主管部门审核',
  pending_province: '待省财政厅报送',
  published_national: '已报送至中央',
  rejected: '未通过',
  cancelled: '已取消调剂共享',
}

export const SOURCES = {
  routine: '日常闲置',
  physical_warehouse: '实体公物仓',
  temporary_body: '临时机构',
  event: '大型活动',
  special_task: '专项工作',
}

export const RESULT_METHODS = {
  allocation: '调拨',
  shared_use: '共享共用',
  lease: '出租',
  loan: '出借',
  other: '其他',
}

export const DEMAND_STATES = {
  draft: '草稿',
  pending_review: '待审核',
  published: '已发布',
  closed: '已关闭',
}

export const PHOTO_FLAGS = { dark: '过暗', bright: '过亮', blurred: '模糊', small: '分辨率低' }

/** Audit actions (the server's snake_case names); unknown ones are shown as they are. */
export const AUDIT_ACTIONS = {
  node_initialized: '节点初始化',
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  password_changed: '修改密码',
  password_reset: '重置密码',
  unit_created: '新增单位',
  unit_updated: '修改单位',
  user_created: '新增用户',
  user_updated: '修改用户',
}

export function label(map, value) {
  if (value === null || value === undefined || value === '') return ''
  return map[value] ?? String(value)
}

/** "2025-05-29T08:03:11Z" → "2025-05-29 16:03:11" in the browser's time zone. */
export function formatTime(value) {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** Integer fen → "1,234.56" yuan, never through floating-point arithmetic on the fen. */
export function formatFen(fen) {
  if (fen === null || fen === undefined) return ''
  const n = BigInt(fen)
  const neg = n < 0n
  const abs = neg ? -n : n
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (abs % 100n).toString().padStart(2, '0')
  return `${neg ? '-' : ''}${yuan}.${cents}`
}
