// Entry point: Element Plus in Chinese, the router, the API's navigation hook,
// and the support contacts of 关于 (asked for at once: the error messages need
// them even when the server has gone away later).
import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
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

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
