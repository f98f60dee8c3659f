# The plugin's own tests: run with pytest -p pytest_asalab (see
# docs/pytest.md); pytester runs whole pytest sessions to see what a user of
# the fixtures sees when a test fails or a lab file is bad.
pytest_plugins = ["pytester"]
