"""The Redis request cache that sits between the Notify API client and the loaders."""
