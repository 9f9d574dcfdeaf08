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
  rejected: '已驳回',
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
  allocation: '无偿调拨',
  shared_use: '共享使用',
  lease: '出租',
  loan: '出借',
  other: '其他',
}

/** Element Plus tag type of each warehouse-track state. */
export const LISTING_STATE_TAGS = {
  draft: 'info',
  pending_entry: 'warning',
  returned: 'danger',
  published: 'success',
  pending_exit: 'warning',
  withdrawn: 'info',
  completed: 'primary',
}

/** Element Plus tag type of each platform-track state. */
export const NATIONAL_STATE_TAGS = {
  none: 'info',
  pending_authority: 'warning',
  pending_province: 'warning',
  published_national: 'success',
  rejected: 'danger',
  cancelled: 'info',
}

/** The listing actions the server offers (`actions`), as button words of the notice. */
export const LISTING_ACTIONS = {
  submit: '提交',
  edit: '修改',
  review: '审批',
  exit: '退仓申请',
  authority_review: '审核同意',
  submit_central: '报送至中央',
  cancel: '取消调剂共享',
  result: '登记调剂结果',
  interest: '登记调剂意向',
  extend: '延期',
  widen: '扩大范围',
  handover: '打印交接单',
}

/** Where a 调剂意向 stands (InterestView.state). */
export const INTEREST_STATES = {
  open: '待处理',
  accepted: '洽谈中',
  declined: '未采纳',
  lapsed: '已过期',
  withdrawn: '已撤回',
  completed: '已调剂',
}

/** Element Plus tag type of each interest state. */
export const INTEREST_STATE_TAGS = {
  open: 'warning',
  accepted: 'primary',
  declined: 'info',
  lapsed: 'info',
  withdrawn: 'info',
  completed: 'success',
}

/** 调剂共享范围, narrowest first (本部门 < 本区县 < 本地市 < 本省 < 全国). */
export const SCOPE_ORDER = ['department', 'county', 'city', 'province', 'national']

/**
 * 扩大范围: the scopes a published local listing may be widened to, as the clerk chooses
 * them; 本省 / 全国 join the national platform (全国调剂共享平台).
 */
export const WIDEN_SCOPES = {
  county: '本区县',
  city: '本地市',
  province: '全国调剂共享平台（本省）',
  national: '全国调剂共享平台（全国）',
}

/** Scopes allowed for a listing outside / inside the national platform. */
export const LOCAL_SCOPES = ['department', 'county', 'city']
export const NATIONAL_SCOPES = ['province', 'national']

/** 排序 of the plazas. */
export const PLAZA_SORTS = { newest: '最新发布', value: '原值从高到低', nearest: '就近' }

export const DEMAND_STATES = {
  draft: '草稿',
  pending_review: '待审核',
  published: '已发布',
  closed: '已关闭',
}

/** Element Plus tag type of each demand state. */
export const DEMAND_STATE_TAGS = {
  draft: 'info',
  pending_review: 'warning',
  published: 'success',
  closed: 'info',
}

/** Why a demand was closed (及时清理需求信息). */
export const DEMAND_CLOSE_REASONS = {
  met_by_listing: '已通过公物仓调剂解决',
  purchased: '已采购',
  cancelled: '需求取消',
}

/** The demand actions the server offers (`actions`), in the notice's words. */
export const DEMAND_ACTIONS = {
  edit: '修改',
  review: '审核',
  close: '关闭',
}

/** 配置预算衔接: where a checked budget line stands (BudgetCheckView.state). */
export const BUDGET_STATES = { open: '待核对', decided: '已核定' }

/** Element Plus tag type of each budget-check state. */
export const BUDGET_STATE_TAGS = { open: 'warning', decided: 'success' }

/** 排序 of 需求广场. */
export const DEMAND_SORTS = { newest: '最新发布', nearest: '就近' }

/** Scopes a demand may be published in (调剂共享范围), narrowest first. */
export const DEMAND_SCOPES = ['department', 'county', 'city', 'province', 'national']

/** Element Plus tag type of each status (在用 green, 闲置 orange, 待处置 red …). */
export const CARD_STATUS_TAGS = {
  in_use: 'success',
  idle: 'warning',
  pending_disposal: 'danger',
  low_efficiency: 'info',
  leased: 'primary',
}

/** The statuses a leased card may return to (出租出借收回). */
export const RECALL_STATUSES = ['in_use', 'idle', 'pending_disposal']

export const PHOTO_FLAGS = { dark: '过暗', bright: '过亮', blurred: '模糊', small: '分辨率低' }

/** What to tell the user about a flagged photo. */
export const PHOTO_FLAG_ADVICE = {
  dark: '照片过暗，建议在光线充足处重新拍摄',
  bright: '照片过亮，建议避开强光重新拍摄',
  blurred: '照片模糊，建议对准焦点、保持稳定后重新拍摄',
  small: '照片分辨率低，建议用更高的分辨率重新拍摄',
}

/** 存放地点 levels, top down; a location's children are one level lower. */
export const LOCATION_LEVELS = { compound: '院落', building: '楼栋', floor: '楼层', room: '房间' }
export const LOCATION_LEVEL_ORDER = ['compound', 'building', 'floor', 'room']

/** Data-quality problems (GET /quality, a card's photo_problems). */
export const QUALITY_PROBLEMS = {
  no_photos: '无照片',
  few_photos: '照片少于4张',
  flagged_photos: '照片质量问题',
  incomplete_location: '存放地点不完整',
  idle_not_listed: '闲置未入仓',
  lease_overdue: '出租出借已到期未收回',
}

/** Where a card's history entry came from. */
export const HISTORY_SOURCES = {
  created: '新增卡片',
  manual: '手工变动',
  import: '台账导入',
  recall: '出租出借收回',
  split: '拆分',
  photos: '照片',
  listing: '公物仓',
  stocktake: '盘点',
}

/** Card fields as named in a history entry (`field`). */
export const CARD_FIELDS = {
  asset_code: '资产编号',
  name: '资产名称',
  category: '资产分类',
  spec: '规格型号',
  brand: '品牌',
  quantity: '数量',
  measure_unit: '计量单位',
  acquired_on: '取得日期',
  original_value_fen: '原值',
  net_value_fen: '净值',
  status: '使用状态',
  shared: '是否共享共用',
  location: '存放地点',
  location_id: '存放地点',
  location_text: '存放地点',
  using_department: '使用部门',
  custodian: '使用人',
  lease_end_on: '出租到期日',
  transferred_to: '调出至',
  shared_with: '共享使用单位',
  photos: '照片',
  parent_id: '拆分自',
  created: '新建卡片',
  card: '卡片',
}

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
  bundle_exported: '数据包导出',
  bundle_imported: '数据包导入',
  bundle_refused: '数据包被拒绝',
  bundle_held: '数据包暂存（缺少前序事件）',
  bundle_fork: '数据包分叉（留存备查）',
  bundle_released: '暂存数据包已导入',
  card_created: '新增资产卡片',
  card_changed: '修改资产卡片',
  card_recalled: '出租出借收回',
  card_split: '卡片拆分',
  card_photo_added: '添加照片',
  card_photo_removed: '删除照片',
  card_photos_applied: '同规格照片套用',
  cards_imported: '导入台账',
  demand_changed: '需求状态变更',
  demand_saved: '保存需求',
  demand_matches_seen: '查看需求匹配',
  listing_created: '入仓申请',
  listing_edited: '修改入仓申请',
  listing_discarded: '删除入仓申请',
  listing_submitted: '提交入仓申请',
  listing_entry_reviewed: '入仓审批',
  listing_exit_requested: '退仓申请',
  listing_exit_reviewed: '退仓审批',
  listing_authority_reviewed: '主管部门审核',
  listing_submitted_central: '报送至中央',
  listing_cancelled: '取消调剂共享',
  listing_result_recorded: '登记调剂结果',
  listing_extended: '延期',
  listing_widen_requested: '申请扩大调剂共享范围',
  listing_widen_reviewed: '扩大范围审批',
  interest_registered: '登记调剂意向',
  interest_accepted: '接受调剂意向',
  interest_declined: '不予采纳 / 结束洽谈',
  interest_withdrawn: '撤回调剂意向',
  location_created: '新增存放地点',
  location_renamed: '修改存放地点',
  location_deleted: '删除存放地点',
  peer_added: '登记对端节点',
  peer_revoked: '停用对端节点',
  settings_updated: '修改系统设置',
  backup_created: '数据备份',
  stocktake_opened: '新建盘点任务',
  stocktake_checked: '盘点资产',
  stocktake_unchecked: '撤销盘点记录',
  stocktake_photo: '上传盘点照片',
  stocktake_photo_removed: '删除盘点照片',
  stocktake_surplus: '登记盘盈',
  stocktake_surplus_removed: '删除盘盈',
  stocktake_submitted: '提交盘点结果',
  stocktake_cancelled: '作废盘点任务',
  stocktake_returned: '退回盘点结果',
  stocktake_applied: '盘点结果审核通过',
  stocktake_entry_requests: '由盘点生成入仓申请',
  watch_created: '添加关注',
  watch_removed: '取消关注',
  watch_seen: '查看关注的资产',
  budget_check_created: '核对配置预算',
  budget_check_decided: '记录预算核对结果',
}

/** 是 / 否 for a boolean. */
export function yesNo(value) {
  return value ? '是' : '否'
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

/**
 * "2026-11-27T08:00:00Z" → "2026-11-27 16:00": Beijing time (UTC+8) whatever the
 * browser's time zone, for times every node must read alike (数据截至).
 */
export function formatBeijing(value) {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
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

/** A count with thousands separators: 123456 → "123,456" (null → "0"). */
export function formatCount(n) {
  return String(n ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * "1,234.56" / "1234.5" / "¥ 12" (yuan as typed) → integer fen, by string
 * arithmetic, or null when it is not an amount with at most two decimals.
 */
export function parseYuan(text) {
  if (text === null || text === undefined) return null
  const s = String(text).replace(/[,，\s¥￥元]/g, '')
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return null
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] || '').padEnd(2, '0') || '0')
  const n = m[1] ? -fen : fen
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) return null
  return Number(n)
}

/** formatFen with the unit: "1,234.56 元". */
export function formatYuan(fen) {
  const s = formatFen(fen)
  return s ? `${s} 元` : ''
}

/** Sum of integer fen amounts, exactly (BigInt), as a Number again. */
export function sumFen(values) {
  return Number(values.reduce((acc, v) => acc + BigInt(v ?? 0), 0n))
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today() {
  return dateAfter(0)
}

/** The day `days` after today as YYYY-MM-DD (browser's time zone). */
export function dateAfter(days) {
  const d = new Date()
  d.setDate(d.getDate() + days)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/**
 * For an el-date-picker's `disabled-date`: true for a day outside today … today + `days`
 * (开放期限, 延期: the server takes at most a year ahead).
 */
export function outsideNextDays(days) {
  return (d) => {
    const start = new Date()
    start.setHours(0, 0, 0, 0)
    const end = new Date(start)
    end.setDate(end.getDate() + days)
    return d < start || d > end
  }
}

/**
 * A 资产分类 code as a filter prefix: the picker answers a whole code
 * (A05010000 = 家具); the API filters by code prefix, so a category above the
 * leaves loses its trailing "00" pairs (A0501).
 */
export function categoryPrefix(code) {
  let c = code || ''
  while (c.length > 3 && c.endsWith('00')) c = c.slice(0, -2)
  return c
}

/** 数据交换: a peer's role seen from this node. */
export const PEER_ROLES = { parent: '上级节点', child: '下级节点' }

/** 数据交换: a bundle's direction in the history (this node's view). */
export const BUNDLE_DIRECTIONS = { out: '导出', in: '导入' }

/** 数据交换: what happened to a bundle; `type` is the el-tag colour. */
export const BUNDLE_RESULTS = {
  exported: { label: '已导出', type: 'primary' },
  applied: { label: '已导入', type: 'success' },
  already_imported: { label: '已导入（无新数据）', type: 'info' },
  gap: { label: '已暂存（缺少前序数据包）', type: 'warning' },
  refused: { label: '已拒绝', type: 'danger' },
}

/** 数据交换: the kinds of events a bundle carries (`inspect.counts`). */
export const BUNDLE_EVENT_KINDS = { listing: '入仓资产', demand: '需求' }

/** 低效闲置资产盘点: a task's state (the server also sends `state_label`). */
export const STOCKTAKE_STATE_TAGS = { checking: 'primary', submitted: 'warning', applied: 'success', cancelled: 'info' }

/** A stocktake difference's kind (审核 / 已生效). */
export const STOCKTAKE_DIFF_KINDS = {
  status: '使用状态变更',
  moved: '存放地点变更',
  missing: '盘亏',
  surplus: '盘盈',
  photos: '新照片',
}
