"""aftersales — after-sales service platform (售后服务管理平台)."""
