// Entry point: Element Plus in Chinese, the router, the API's navigation hook,
// and the support contacts of 关于 (asked for at once: the error messages need
// them even when the server has gone away later).
//
// Element Plus is not registered whole: the templates' <el-…> components and the
// v-loading directive are imported where they are used, with their CSS
// (unplugin-vue-components, see vite.config.js). What is left here is what
// that cannot see: the zh-CN locale for the whole app (as app.use(ElementPlus,
// { locale }) gave it) and the services called from scripts — ElMessage,
// ElMessageBox, ElLoading (which also registers v-loading) — with their CSS,
// installed on the app so that they share its context.
import { createApp } from 'vue'
import { ElLoading, ElMessage, ElMessageBox, provideGlobalConfig } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/es/components/base/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import './styles.css'
import App from './App.vue'
import { router } from './router.js'
import { onNavigate } from './api.js'
import { loadAbout } from './about.js'

onNavigate(({ name, keepRedirect }) => {
  const current = router.currentRoute.value
  if (current.name === name) return
  if (keepRedirect && !current.meta.public && current.name !== 'password') {
    router.push({ name, query: current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
  } else {
    router.push({ name })
  }
})

loadAbout()

const app = createApp(App)
provideGlobalConfig({ locale: zhCn }, app, true)
app.use(ElMessage).use(ElMessageBox).use(ElLoading).use(router).mount('#app')
