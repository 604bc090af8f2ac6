"""ProviderRegistry: one instance per definition, the type table, plain and unsupported types."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fnox_tui.core.providers.age import AgeProvider
from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.aws_remote import (
    AwsParameterStoreProvider,
    AwsSecretsManagerProvider,
)
from fnox_tui.core.providers.base import ErrorCode, UnsupportedProviderError
from fnox_tui.core.providers.plain import PlainProvider
from fnox_tui.core.providers.registry import ProviderRegistry, is_supported
from fnox_tui.core.providers.stats import RequestStats
from fnox_tui.core.providers.unsupported import UnsupportedProvider
from tests.provider_defs import provider_def


@pytest.mark.parametrize(
    ("provider_type", "cls"),
    [
        ("aws-kms", AwsKmsProvider),
        ("aws-sm", AwsSecretsManagerProvider),
        ("aws-ps", AwsParameterStoreProvider),
        ("age", AgeProvider),
        ("plain", PlainProvider),
        ("vault", UnsupportedProvider),
        ("1password", UnsupportedProvider),
        ("?", UnsupportedProvider),
    ],
)
def test_types(provider_type: str, cls: type) -> None:
    provider = ProviderRegistry(environ={}).get(provider_def("p", provider_type))
    assert isinstance(provider, cls)
    assert provider.definition.type == provider_type
    assert is_supported(provider_type) == (cls is not UnsupportedProvider)


def test_plain() -> None:
    provider = ProviderRegistry(environ={}).get(provider_def("p", "plain"))
    assert provider.resolve("as-is ✓\n") == "as-is ✓\n"
    assert provider.encrypt("value") == "value"
    result = provider.check()
    assert result.ok and result.badge == "✓ Plain text"


@pytest.mark.parametrize("provider_type", ["vault", "1password", "keychain"])
def test_unsupported(provider_type: str) -> None:
    provider = ProviderRegistry(environ={}).get(provider_def("p", provider_type))
    for call in (lambda: provider.resolve("ref"), lambda: provider.encrypt("value")):
        with pytest.raises(UnsupportedProviderError) as caught:
            call()
        assert caught.value.message == f"fnox-tui cannot resolve {provider_type} secrets itself"
        assert caught.value.hint == "Use `fnox get NAME`."
        assert caught.value.code == ErrorCode.UNSUPPORTED
    result = provider.check()
    assert not result.ok and result.badge == "✗ Not resolved by fnox-tui"
    assert result.error is not None and "cannot resolve" in result.error.message
    assert dict(result.facts) == {"Type": provider_type}


def test_one_instance_per_definition() -> None:
    registry = ProviderRegistry(environ={})
    first = registry.get(provider_def("kms", "aws-kms", key_id="a", region="r"))
    assert registry.get(provider_def("kms", "aws-kms", key_id="a", region="r")) is first
    assert registry.get(provider_def("kms", "aws-kms", key_id="b", region="r")) is not first
    other_file = provider_def(
        "kms", "aws-kms", path=Path("/other/fnox.toml"), key_id="a", region="r"
    )
    assert registry.get(other_file) is not first


def test_scopes_are_distinct() -> None:
    registry = ProviderRegistry(environ={})
    top = registry.get(provider_def("kms", "aws-kms", key_id="a", region="r"))
    prod = registry.get(provider_def("kms", "aws-kms", scope="prod", key_id="a", region="r"))
    assert top is not prod


def test_concurrent_get_creates_one_instance() -> None:
    registry = ProviderRegistry(environ={})
    seen: list[object] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        seen.append(registry.get(provider_def("age", "age", recipients=["age1x"])))

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(provider) for provider in seen}) == 1


def test_close_forgets_instances(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={})
    definition = provider_def("kms", "aws-kms", key_id="a", region="us-east-1")
    provider = registry.get(definition)
    assert isinstance(provider, AwsKmsProvider)
    provider.client()
    registry.close()
    assert provider._client is None
    assert registry.get(definition) is not provider
    with ProviderRegistry(environ={}) as scoped:
        scoped.get(definition)


def test_stats() -> None:
    stats = RequestStats()
    for _ in range(10_000):
        stats.record("kms", "Decrypt")
    stats.record("secrets-manager", "GetSecretValue")
    assert stats.kms_requests == 10_000
    assert stats.kms_cost_usd == pytest.approx(0.03)
    assert stats.snapshot()["kms.Decrypt"] == 10_000
    stats.reset()
    assert stats.kms_requests == 0


def test_stats_are_thread_safe() -> None:
    stats = RequestStats()

    def work() -> None:
        for _ in range(1000):
            stats.record("kms", "Encrypt")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stats.kms_requests == 8000


def test_registry_exposes_stats_and_defaults() -> None:
    registry = ProviderRegistry()
    assert isinstance(registry.stats, RequestStats)
    assert registry.max_workers == 8
    assert registry.context.cwd == Path.cwd()


def test_warm_up_builds_clients_without_sending_anything(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(aws_env)
    kms = provider_def("kms", "aws-kms", key_id="alias/x", region="us-east-1")
    plain = provider_def("plain", "plain")
    assert registry.warm_up([kms, plain]) == 1  # plain has no client to build
    provider = registry.get(kms)
    assert isinstance(provider, AwsKmsProvider) and provider._client is not None
    assert registry.stats.kms_requests == 0
