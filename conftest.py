pytest_plugins = ["aftersales.core.testing.fixtures"]
