"""A tiny app used only by the tests of the core state-machine helper."""
