pytest_plugins = ["aftersales.org.testing"]
