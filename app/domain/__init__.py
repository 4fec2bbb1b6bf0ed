"""Pure hall rules: no database, no Qt, no devices. Import-cheap and fast to test."""
