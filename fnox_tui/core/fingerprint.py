"""What a secret's value is derived from, so a reload can tell which values still hold.

Two loads of the same files give equal fingerprints for every secret; an edit to a secret's
entry, to its provider's entry, or to anything either of them refers to (``${OTHER}`` in a
default, ``{ secret = "X" }`` in a provider field, an age ``identity`` kept by another
provider, a ``sync`` provider) changes them. Positions are left out: a line that moved is not
a change.

A fingerprint is a digest over the references' graph, condensed into its strongly connected
components: the same whatever the order secrets are asked in, linear in the size of the
graph, and without recursion (a file may chain thousands of ``${...}`` references).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import Any

from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import (
    DEFAULT_PROFILE,
    EffectiveSecret,
    ProfileView,
    ProviderDef,
    Workspace,
)

# A node of the references' graph: ("secret", profile, name) or ("provider", EntryId, profile)
# (what a provider's configuration refers to is looked up in the profile being resolved).
Node = tuple[Any, ...]


def secret_fingerprint(workspace: Workspace, secret: EffectiveSecret) -> str:
    """A digest of everything in the configuration that ``secret``'s value is derived from."""
    return Fingerprints(workspace).secret(secret)


def provider_fingerprint(workspace: Workspace, provider: ProviderDef) -> str:
    """A digest of everything in the configuration that a provider's behaviour depends on."""
    return Fingerprints(workspace).provider(provider)


def default_references(template: str) -> list[str]:
    """The names a ``default`` interpolates (``${NAME}``), as the resolver reads them."""
    names: list[str] = []
    rest = template
    while (start := rest.find("${")) != -1:
        after = rest[start + 2 :]
        end = after.find("}")
        if end == -1:
            break
        names.append(after[:end])
        rest = after[end + 1 :]
    return names


def frozen(value: Any) -> Hashable:
    """A hashable, order-independent copy of a TOML value (tables and arrays: tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value  # type: ignore[no-any-return]


class Fingerprints:
    """Fingerprints of the secrets and providers of one workspace, each computed once."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._digests: dict[Node, str] = {}

    def secret(self, secret: EffectiveSecret) -> str:
        return self._digest(("secret", secret.profile, secret.name))

    def provider(self, provider: ProviderDef, profile: str | None = None) -> str:
        """As seen from ``profile`` (default: its own profile, else the active one)."""
        return self._digest(("provider", provider.id, profile or self._profile_for(provider)))

    # The graph --------------------------------------------------------------------------

    def _node(self, node: Node) -> tuple[Hashable, list[Node]]:
        """A node's own inputs and the nodes it refers to."""
        if node[0] == "secret":
            return self._secret_node(node[1], node[2])
        return self._provider_node(node[1], node[2])

    def _secret_node(self, profile: str, name: str) -> tuple[Hashable, list[Node]]:
        view = self.workspace.profiles.get(profile)
        secret = view.secret(name) if view is not None else None
        if view is None or secret is None:
            return ("undefined", profile, name), []
        definition = secret.definition
        local: list[Hashable] = [
            definition.id,
            frozen(definition.fields),
            secret.provider_name,
            secret.provider_source,
            self.workspace.if_missing,
            view.default_provider_error,
        ]
        edges: list[Node] = []
        if secret.provider is not None:
            edges.append(("provider", secret.provider.id, profile))
        sync = definition.fields.get("sync")
        if isinstance(sync, dict) and isinstance(sync.get("provider"), str):
            local.append(self._provider_edge(view, sync["provider"], edges))
        if definition.default is not None:
            edges += [("secret", profile, ref) for ref in default_references(definition.default)]
        return tuple(local), edges

    def _provider_node(self, entry: EntryId, profile: str) -> tuple[Hashable, list[Node]]:
        provider = self.workspace.provider_def(entry)
        if provider is None:
            return ("undefined", entry), []
        local: list[Hashable] = [provider.id, provider.type, frozen(provider.fields)]
        edges: list[Node] = []
        view = self.workspace.profiles.get(profile)
        if view is not None:
            for value in provider.fields.values():
                if isinstance(value, dict) and isinstance(value.get("secret"), str):
                    edges.append(("secret", view.name, value["secret"]))
            identity = provider.fields.get("identity")
            if isinstance(identity, dict) and isinstance(identity.get("provider"), str):
                local.append(self._provider_edge(view, identity["provider"], edges))
        return tuple(local), edges

    def _provider_edge(self, view: ProfileView, name: str, edges: list[Node]) -> Hashable:
        """Refer to provider ``name`` as ``view`` sees it; what the node records of it."""
        provider = view.providers.get(name)
        if provider is None:
            return ("no provider", name)
        edges.append(("provider", provider.id, view.name))
        return ("provider", name)

    def _profile_for(self, provider: ProviderDef) -> str:
        """Where a provider checked on its own is seen from (SecretResolver._profile_for)."""
        profiles = self.workspace.profiles
        if provider.profile is not None and provider.profile in profiles:
            return provider.profile
        active = self.workspace.active_profile
        return active if active in profiles else DEFAULT_PROFILE

    # Digests: Tarjan's strongly connected components, iteratively ----------------------

    def _digest(self, start: Node) -> str:
        found = self._digests.get(start)
        if found is not None:
            return found
        index: dict[Node, int] = {}
        low: dict[Node, int] = {}
        nodes: dict[Node, tuple[Hashable, list[Node]]] = {}
        stack: list[Node] = []
        on_stack: set[Node] = set()
        work: list[tuple[Node, int]] = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                nodes[node] = self._node(node)
                stack.append(node)
                on_stack.add(node)
            edges = nodes[node][1]
            for offset in range(position, len(edges)):
                target = edges[offset]
                if target in self._digests:
                    continue
                if target not in index:
                    work.append((node, offset + 1))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    self._close(node, stack, on_stack, nodes)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        return self._digests[start]

    def _close(
        self,
        root: Node,
        stack: list[Node],
        on_stack: set[Node],
        nodes: dict[Node, tuple[Hashable, list[Node]]],
    ) -> None:
        """Give every member of the component rooted at ``root`` its digest."""
        members: list[Node] = []
        while True:
            member = stack.pop()
            on_stack.discard(member)
            members.append(member)
            if member == root:
                break
        inside = set(members)
        own = sorted(repr((member, nodes[member][0])) for member in members)
        outside = sorted(
            {
                self._digests[target]
                for member in members
                for target in nodes[member][1]
                if target not in inside
            }
        )
        component = _sha256(repr((own, outside)))
        for member in members:
            self._digests[member] = _sha256(repr((member, component)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
