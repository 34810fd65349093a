"""What the tests share: servers, clients, fault injection and data helpers (no tests here).

Imported as ``tests.support.<module>``: tests/ and its tiers are packages, so every
conftest and test module has a name of its own (tests.durability.conftest is not
tests.integration.conftest) and any selection of directories collects together.
"""
