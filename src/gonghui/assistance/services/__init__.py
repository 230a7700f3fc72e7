"""Every change to hardship files, assistance records and campaigns goes through here
(web, API, CLI and the demo alike): `files` the lifecycle of a household's file,
`records` assistance given, `campaigns` budgets and their allocations."""
