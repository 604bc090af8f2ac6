"""Providers: resolve a stored value, encrypt a new one, check the provider (no UI here).

Entry points: ``registry.ProviderRegistry`` (one provider per definition, shared by worker
threads) and ``fnox_tui.core.resolver.SecretResolver`` (fnox's resolution order). The
interface and errors are in ``base``; AWS error explanations in ``aws_errors``.
"""
