"""Generate a large, deterministic fnox configuration for the benchmarks.

The default tree is one ``fnox.toml`` of about 1.5 MB holding 5,000 secret entries: 2,000 at the
top level and 300 in each of 10 profiles (``p0`` .. ``p9``), 100 of which override a top-level
name. Most values belong to an ``aws-kms`` provider and are random base64 strings as long as real
KMS ciphertexts (about 250 characters), so the file is the size a real one would be; nothing in
it decrypts. The rest are ``plain`` values and default-only entries. Most entries are inline
tables; about one in twenty is a standard ``[secrets.NAME]`` table. ``root = true`` stops fnox
from walking further up.

Two hostile shapes are there too (``--shape``):

* ``many``: one flat ``[secrets]`` table of ``--count`` secrets (default 380,000) making a file of
  about ``--mb`` MB (default 50): ``plain`` values, so that ``V`` resolves every one locally
  and as fast as it can (the hardest case for the UI, which must keep answering keys), and
  descriptions on most;
* ``string``: a ``plain`` provider and one secret whose value is a single quoted string of
  ``--mb`` MB (default 10).

    python benchmarks/gen_config.py OUT_DIR [--seed N] [--top N] [--profiles N] ... [--verify]
    python benchmarks/gen_config.py OUT_DIR --shape many [--count 380000] [--mb 50]
    python benchmarks/gen_config.py OUT_DIR --shape string [--mb 10]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = (
    "API", "AUTH", "BILLING", "CACHE", "CDN", "CHECKOUT", "CRM", "DATA", "DB", "EMAIL", "EVENTS",
    "GATEWAY", "GRAPH", "INGEST", "LEDGER", "MAPS", "MEDIA", "METRICS", "NOTIFY", "ORDERS",
    "PAYMENTS", "QUEUE", "SEARCH", "SESSION", "SHIPPING", "SMS", "STORAGE", "STRIPE", "USERS",
    "WEBHOOK",
)  # fmt: skip
KINDS = (
    "API_KEY", "CLIENT_ID", "CLIENT_SECRET", "DATABASE_URL", "DSN", "ENCRYPTION_KEY", "HMAC_KEY",
    "JWT_SECRET", "PASSWORD", "PRIVATE_KEY", "SIGNING_KEY", "TOKEN", "USERNAME", "WEBHOOK_SECRET",
)  # fmt: skip
PURPOSES = (
    "used by the nightly export job",
    "rotated every 90 days by the platform team",
    "read-only credentials for the reporting replica",
    "issued by the vendor dashboard, owner: payments",
    "shared with the staging cluster",
    "service account for CI deployments",
    "legacy: remove after the v3 migration",
    "fallback used when the primary region is down",
)
DEFAULT_VALUES = ("info", "us-east-1", "30", "true", "https://example.com/hook", "${API_BASE_URL}")

KMS_PROVIDER = "kms"
PLAIN_PROVIDER = "plain"
KMS_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class GenOptions:
    seed: int = 20240601
    top: int = 2000  # top-level entries
    profiles: int = 10  # profiles p0 .. p{n-1}
    per_profile: int = 300  # entries in each profile's own table ...
    overrides: int = 100  # ... of which this many override a top-level name
    table_every: int = 20  # about one entry in this many is a standard [secrets.X] table


@dataclass(slots=True)
class GenStats:
    path: Path
    bytes: int = 0
    entries: int = 0
    top: int = 0
    profile_entries: int = 0
    overrides: int = 0
    kms: int = 0
    plain: int = 0
    default_only: int = 0
    tables: int = 0
    per_profile_effective: dict[str, int] = field(default_factory=dict)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these ASCII values)."""
    return json.dumps(text)


def inline_table(fields: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{key} = {toml_string(value)}" for key, value in fields.items()) + " }"


def fake_kms_ciphertext(rng: random.Random) -> str:
    """Random bytes as long as a real KMS CiphertextBlob for a short secret, base64 encoded."""
    return base64.b64encode(rng.randbytes(rng.randint(180, 212))).decode("ascii")


def fake_key_arn(rng: random.Random, region: str = KMS_REGION) -> str:
    hexes = rng.randbytes(16).hex()
    key = f"{hexes[:8]}-{hexes[8:12]}-{hexes[12:16]}-{hexes[16:20]}-{hexes[20:]}"
    return f"arn:aws:kms:{region}:123456789012:key/{key}"


class _Generator:
    def __init__(self, options: GenOptions, stats: GenStats) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.stats = stats
        self._used: set[str] = set()

    def name(self) -> str:
        rng = self.rng
        while True:
            name = f"{rng.choice(SERVICES)}_{rng.choice(KINDS)}_{rng.randrange(10_000):04d}"
            if name not in self._used:
                self._used.add(name)
                return name

    def entry(self, default_kms: str | None) -> dict[str, str]:
        """The fields of one secret. ``default_kms``: the scope's default provider, if any."""
        rng = self.rng
        roll = rng.random()
        fields: dict[str, str] = {}
        if roll < 0.75:
            self.stats.kms += 1
            if default_kms is None or rng.random() < 0.5:
                fields["provider"] = default_kms or KMS_PROVIDER
            fields["value"] = fake_kms_ciphertext(rng)
        elif roll < 0.9:
            self.stats.plain += 1
            fields["provider"] = PLAIN_PROVIDER
            fields["value"] = rng.randbytes(rng.randint(8, 24)).hex()
        else:
            self.stats.default_only += 1
            fields["default"] = rng.choice(DEFAULT_VALUES)
            if rng.random() < 0.3:
                fields["if_missing"] = "warn"
        if rng.random() < 0.7:
            fields["description"] = rng.choice(PURPOSES)
        return fields

    def scope(self, table: str, entries: list[tuple[str, dict[str, str]]], out: list[str]) -> None:
        """Inline entries under ``[table]``, then the standard-table ones after them."""
        every = self.options.table_every
        tables = [e for i, e in enumerate(entries) if every and i % every == every - 1]
        table_names = {name for name, _ in tables}
        out.append(f"[{table}]")
        for name, fields in entries:
            if name not in table_names:
                out.append(f"{name} = {inline_table(fields)}")
        out.append("")
        for name, fields in tables:
            self.stats.tables += 1
            out.append(f"[{table}.{name}]")
            out.extend(f"{key} = {toml_string(value)}" for key, value in fields.items())
            out.append("")


def render_config(options: GenOptions | None = None) -> tuple[str, GenStats]:
    """The text of the generated ``fnox.toml`` and what it holds."""
    options = options or GenOptions()
    stats = GenStats(path=Path("fnox.toml"))
    gen = _Generator(options, stats)
    rng = gen.rng
    out: list[str] = [
        "# Generated by benchmarks/gen_config.py: values are random bytes, nothing decrypts.",
        "root = true",
        f"default_provider = {toml_string(KMS_PROVIDER)}",
        "",
        "[providers]",
        f"{PLAIN_PROVIDER} = {{ type = {toml_string('plain')} }}",
        f"{KMS_PROVIDER} = "
        + inline_table({"type": "aws-kms", "key_id": fake_key_arn(rng), "region": KMS_REGION}),
        "",
    ]
    top = [(gen.name(), gen.entry(KMS_PROVIDER)) for _ in range(options.top)]
    gen.scope("secrets", top, out)
    stats.top = len(top)
    top_names = [name for name, _ in top]
    for index in range(options.profiles):
        profile = f"p{index}"
        own_kms = None
        if index % 5 == 4:  # every fifth profile brings its own KMS key and default provider
            own_kms = f"kms_{profile}"
            out.append(f"[profiles.{profile}]")
            out.append(f"default_provider = {toml_string(own_kms)}")
            out.append("")
            out.append(f"[profiles.{profile}.providers]")
            region = "eu-west-1"
            fields = {"type": "aws-kms", "key_id": fake_key_arn(rng, region), "region": region}
            out.append(f"{own_kms} = {inline_table(fields)}")
            out.append("")
        overridden = rng.sample(top_names, min(options.overrides, len(top_names)))
        entries = [(name, gen.entry(own_kms or KMS_PROVIDER)) for name in overridden]
        entries += [
            (gen.name(), gen.entry(own_kms or KMS_PROVIDER))
            for _ in range(options.per_profile - len(entries))
        ]
        rng.shuffle(entries)
        gen.scope(f"profiles.{profile}.secrets", entries, out)
        stats.profile_entries += len(entries)
        stats.overrides += len(overridden)
        stats.per_profile_effective[profile] = len(top) + len(entries) - len(overridden)
    stats.entries = stats.top + stats.profile_entries
    text = "\n".join(out)
    stats.bytes = len(text.encode("utf-8"))
    return text, stats


def render_many(
    count: int = 380_000, mb: float = 50.0, seed: int = 20240601
) -> tuple[str, GenStats]:
    """``count`` plain secrets in one ``[secrets]`` table, about ``mb`` MB in all."""
    rng = random.Random(seed)
    stats = GenStats(path=Path("fnox.toml"))
    head = [
        "# Generated by benchmarks/gen_config.py --shape many: plain values, resolved locally.",
        "root = true",
        "",
        "[providers]",
        f"{PLAIN_PROVIDER} = {{ type = {toml_string('plain')} }}",
        "",
        "[secrets]",
    ]
    # Name, provider and description take about 106 bytes a line; values fill the rest.
    value_chars = max(8, int(mb * 1e6 / max(count, 1)) - 106)
    lines = head
    for index in range(count):
        name = f"{SERVICES[index % len(SERVICES)]}_{KINDS[index % len(KINDS)]}_{index:06d}"
        fields = {
            "provider": PLAIN_PROVIDER,
            "value": rng.randbytes(value_chars // 2 + 1).hex()[:value_chars],
        }
        if index % 10 < 8:
            fields["description"] = PURPOSES[index % len(PURPOSES)]
        lines.append(f"{name} = {inline_table(fields)}")
    text = "\n".join(lines) + "\n"
    stats.entries = stats.top = stats.plain = count
    stats.bytes = len(text.encode("utf-8"))
    return text, stats


def render_big_string(mb: float = 10.0, seed: int = 20240601) -> tuple[str, GenStats]:
    """One secret whose value is a single quoted string of ``mb`` MB (letters and digits)."""
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    chunk = "".join(rng.choice(alphabet) for _ in range(1 << 16))
    size = int(mb * 1e6)
    value = (chunk * (size // len(chunk) + 1))[:size]
    text = (
        "# Generated by benchmarks/gen_config.py --shape string: one very long quoted string.\n"
        "root = true\n\n"
        f"[providers]\n{PLAIN_PROVIDER} = {{ type = {toml_string('plain')} }}\n\n"
        f'[secrets]\nBIG = {{ provider = "{PLAIN_PROVIDER}", value = "{value}" }}\n'
    )
    stats = GenStats(path=Path("fnox.toml"), entries=1, top=1, plain=1)
    stats.bytes = len(text.encode("utf-8"))
    return text, stats


SHAPES = ("mixed", "many", "string")


def render_shape(
    shape: str, options: GenOptions | None = None, count: int = 380_000, mb: float | None = None
) -> tuple[str, GenStats]:
    if shape == "many":
        return render_many(count, 50.0 if mb is None else mb)
    if shape == "string":
        return render_big_string(10.0 if mb is None else mb)
    return render_config(options)


def generate(
    out_dir: str | Path,
    options: GenOptions | None = None,
    *,
    shape: str = "mixed",
    count: int = 380_000,
    mb: float | None = None,
) -> GenStats:
    """Write ``OUT_DIR/fnox.toml`` and return what it holds."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text, stats = render_shape(shape, options, count, mb)
    stats.path = out / "fnox.toml"
    stats.path.write_text(text, encoding="utf-8")
    return stats


def verify_with_fnox(stats: GenStats) -> str:
    """Run the real ``fnox list`` and ``fnox profiles`` on the tree; raise unless they agree."""
    import re
    import subprocess
    import tempfile

    from _common import fnox_binary, hermetic_env

    fnox = str(fnox_binary())
    with tempfile.TemporaryDirectory() as home:
        env = hermetic_env(Path(home))
        cwd = stats.path.parent
        for args in (["list"], ["-P", "p3", "list"]):
            subprocess.run([fnox, "--no-color", *args], cwd=cwd, env=env, check=True,
                           capture_output=True)  # fmt: skip
        listed = subprocess.run(
            [fnox, "--no-color", "profiles"], cwd=cwd, env=env, check=True, capture_output=True,
            text=True,
        ).stdout  # fmt: skip
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^\s*(\S+) \((\d+) secrets\)", listed, re.M)}
    expected = {"default": stats.top, **stats.per_profile_effective}
    if counts != expected:
        raise AssertionError(f"fnox profiles disagrees: {counts} != {expected}")
    return f"fnox list accepts it; fnox profiles agrees ({sum(counts.values())} effective secrets)"


def main(argv: list[str] | None = None) -> int:
    defaults = GenOptions()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="directory to write fnox.toml into (created if missing)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--top", type=int, default=defaults.top)
    parser.add_argument("--profiles", type=int, default=defaults.profiles)
    parser.add_argument("--per-profile", type=int, default=defaults.per_profile)
    parser.add_argument("--overrides", type=int, default=defaults.overrides)
    parser.add_argument(
        "--verify", action="store_true", help="check the tree with the real fnox (list, profiles)"
    )
    parser.add_argument("--shape", choices=SHAPES, default="mixed", help="what to write")
    parser.add_argument("--count", type=int, default=380_000, help="secrets (--shape many)")
    parser.add_argument("--mb", type=float, help="file (many) or string (string) size in MB")
    args = parser.parse_args(argv)
    options = GenOptions(
        seed=args.seed,
        top=args.top,
        profiles=args.profiles,
        per_profile=args.per_profile,
        overrides=args.overrides,
    )
    stats = generate(args.out_dir, options, shape=args.shape, count=args.count, mb=args.mb)
    if args.shape != "mixed":
        print(f"{stats.path}: {stats.bytes / 1e6:.2f} MB, {stats.entries} secret(s)")
        return 0
    print(
        f"{stats.path}: {stats.bytes / 1e6:.2f} MB, {stats.entries} entries "
        f"({stats.top} top level, {stats.profile_entries} in {args.profiles} profiles, "
        f"{stats.overrides} overrides); {stats.kms} aws-kms, {stats.plain} plain, "
        f"{stats.default_only} default-only; {stats.tables} standard tables"
    )
    if args.verify:
        print(verify_with_fnox(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
