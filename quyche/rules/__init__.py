"""The machinery behind the rule files, one layer per module, data flowing one way.

``yamlsafe`` (YAML text → plain data with line numbers) → ``model`` (pydantic models of the rule
files) → ``loader`` (files → models, errors with file and line) → ``check`` (cross-references,
conflicts) → ``compile`` (conditions → a small normalised language, rules indexed by event type)
→ ``pyeval`` / ``durable_adapter`` (the two engines) → ``decide`` (the Decision).
"""
