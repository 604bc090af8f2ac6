"""Configuration layouts that the differential test loads both with fnox-tui and the real fnox.

Each layout maps a path to a file's text. Paths are relative to the project directory, except
those starting with ``~/``, which go under the isolated HOME; ``~/.config/fnox/config.toml`` is
the global configuration (the fixture's FNOX_CONFIG_DIR is ``~/.config/fnox``). Only ``plain``
providers resolve; ``age`` and ``aws-kms`` providers appear as in the fnox docs and fail to
decrypt without keys, which the export check expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GLOBAL = "~/.config/fnox/config.toml"
AGE_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


@dataclass(frozen=True)
class Layout:
    name: str
    files: dict[str, str]
    cwd: str = "."
    # Extra environment for both fnox and fnox-tui, e.g. for secrets of kind "env var".
    env: dict[str, str] = field(default_factory=dict)
    # Comma lists of profiles whose config-files are compared as a whole.
    profile_lists: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name


LAYOUTS = [
    Layout(
        "profiles_in_one_file",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                DATABASE_URL = { provider = "plain", value = "postgres://localhost/dev" }
                LOG_LEVEL = { default = "info" }
                API_TIMEOUT = { default = "30" }

                [profiles.staging]

                [profiles.production.providers]
                vaulted = { type = "plain" }

                [profiles.production.secrets]
                DATABASE_URL = { provider = "vaulted", value = "postgres://prod/db" }
                LOG_LEVEL = { default = "warn" }
                ONLY_PROD = { value = "stored-without-provider" }
                """,
        },
        profile_lists=("staging,production", "production,staging"),
    ),
    Layout(
        "profile_files",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                SHARED = { provider = "plain", value = "top" }
                BASE = { default = "base" }

                [profiles.prod.secrets]
                FROM_TABLE = { default = "fnox.toml [profiles.prod.secrets]" }
                CLASH = { default = "the profile table wins" }
                """,
            "fnox.prod.toml": """
                default_provider = "prodplain"

                [providers]
                prodplain = { type = "plain" }

                [secrets]
                SHARED = { value = "prod-file" }
                PROD_ONLY = { value = "p" }
                CLASH = { default = "the profile file loses" }
                """,
            ".fnox.prod.toml": """
                [secrets]
                DOT_PROD = { default = "dot" }
                PROD_ONLY = { provider = "plain", value = "dot-wins" }
                """,
            ".fnox.ci.toml": """
                [secrets]
                CI = { default = "ci" }
                """,
            "fnox.local.toml": """
                [secrets]
                LOCAL = { default = "local" }
                """,
        },
        profile_lists=("prod,ci", "ci,prod"),
    ),
    Layout(
        "local_overrides",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                DATABASE_URL = { provider = "plain", value = "postgres://team" }
                DEBUG_MODE = { default = "false" }
                KEEP = { default = "keep" }
                """,
            "fnox.local.toml": """
                [secrets]
                DATABASE_URL = { default = "postgresql://localhost/alice_db" }
                DEBUG_MODE = { default = "true" }
                """,
            ".fnox.local.toml": """
                [secrets]
                DEBUG_MODE = { default = "very" }
                DOT_LOCAL = { default = "dot" }
                """,
        },
    ),
    Layout(
        "dotfiles",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                A = { provider = "plain", value = "from fnox.toml" }
                B = { default = "from fnox.toml" }
                """,
            ".fnox.toml": """
                [secrets]
                B = { default = "from .fnox.toml" }
                C = { default = "from .fnox.toml" }
                """,
            "sub/.fnox.toml": """
                [secrets]
                SUB = { value = "dotfile in a subdirectory" }
                """,
            "sub/.fnox.staging.toml": """
                [secrets]
                C = { default = "from .fnox.staging.toml" }
                """,
        },
        cwd="sub",
    ),
    Layout(
        "parent_directories",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                LOG_LEVEL = { default = "info" }
                ENVIRONMENT = { default = "development" }
                JWT_SECRET = { provider = "plain", value = "shared-jwt" }

                [profiles.prod.secrets]
                LOG_LEVEL = { default = "error" }
                """,
            "fnox.local.toml": """
                [secrets]
                ENVIRONMENT = { default = "root-local" }
                """,
            "services/api/fnox.toml": """
                [secrets]
                API_PORT = { default = "3000" }
                DATABASE_URL = { provider = "plain", value = "postgres://api" }
                LOG_LEVEL = { default = "debug" }
                """,
            "services/api/fnox.prod.toml": """
                [secrets]
                API_PORT = { default = "443" }
                """,
            "services/api/src/.keep": "",
            "services/worker/fnox.toml": """
                [secrets]
                QUEUE_URL = { value = "amqp://worker" }
                """,
        },
        cwd="services/api/src",
    ),
    Layout(
        "root_true",
        {
            "fnox.toml": """
                [secrets]
                NEVER = { default = "above the root" }
                """,
            "project/fnox.toml": """
                root = true

                [providers]
                plain = { type = "plain" }

                [secrets]
                PROJECT = { value = "p" }
                """,
            "project/fnox.local.toml": """
                [secrets]
                PROJECT = { default = "local override" }
                """,
            "project/app/fnox.toml": """
                [secrets]
                APP = { value = "a" }
                """,
            GLOBAL: """
                [secrets]
                GLOBAL_TOKEN = { default = "global survives root = true" }
                """,
        },
        cwd="project/app",
    ),
    Layout(
        "overlapping_imports",
        {
            "common.toml": """
                [secrets]
                COMMON = { default = "parent's import" }
                OVERLAP = { default = "common" }
                """,
            "fnox.toml": """
                import = ["common.toml"]

                [providers]
                plain = { type = "plain" }
                """,
            "app/fnox.toml": """
                import = ["./shared/one.toml", "shared/two.toml", "../common.toml"]

                [secrets]
                APP = { provider = "plain", value = "app" }
                OVERLAP = { default = "the importing file wins" }
                """,
            "app/shared/one.toml": """
                [secrets]
                ONE = { default = "one" }
                BETWEEN = { default = "earlier import wins" }
                OVERLAP = { default = "one" }
                """,
            "app/shared/two.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                TWO = { value = "two" }
                BETWEEN = { default = "later import loses" }
                """,
        },
        cwd="app",
    ),
    Layout(
        "import_from_home",
        {
            "fnox.toml": """
                import = ["~/team/fnox-team.toml"]

                [secrets]
                LOCAL = { default = "l" }
                """,
            "~/team/fnox-team.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                TEAM = { value = "team" }
                """,
        },
    ),
    Layout(
        "global_config",
        {
            GLOBAL: """
                default_provider = "global_plain"

                [providers]
                global_plain = { type = "plain" }
                other = { type = "plain" }

                [secrets]
                GITHUB_TOKEN = { value = "ghp_global" }
                NPM_TOKEN = { default = "npm-global" }

                [profiles.work.secrets]
                GITHUB_TOKEN = { provider = "other", value = "ghp_work" }
                """,
            "fnox.toml": """
                [secrets]
                NPM_TOKEN = { default = "npm-project" }
                PROJECT = { value = "uses the global default provider" }
                """,
        },
    ),
    Layout(
        "global_only",
        {
            GLOBAL: """
                [providers]
                plain = { type = "plain" }

                [secrets]
                ONLY_GLOBAL = { value = "g" }
                """,
            "empty/.keep": "",
        },
        cwd="empty",
    ),
    Layout(
        "inline_and_table_style",
        {
            "fnox.toml": """
                [providers.plain]
                type = "plain"

                [secrets]
                INLINE = { provider = "plain", value = "inline" }
                "app.token" = { default = "quoted key" }
                DOTTED.default = "dotted keys"
                DOTTED.description = "written with dotted keys"

                [secrets.TABLE]
                provider = "plain"
                value = "table style"
                description = "a standard table"

                [secrets."table.quoted"]
                default = "quoted table"

                [profiles.prod.secrets.PROD_TABLE]
                default = "profile table"

                [profiles.prod.secrets]
                PROD_INLINE = { value = "profile inline" }
                """,
        },
    ),
    Layout(
        "default_provider_top_level_and_profile",
        {
            "fnox.toml": """
                default_provider = "first"

                [providers]
                first = { type = "plain" }
                second = { type = "plain" }

                [secrets]
                IMPLICIT = { value = "implicit" }
                EXPLICIT = { provider = "second", value = "explicit" }

                [profiles.prod]
                default_provider = "prod_only"

                [profiles.prod.providers]
                prod_only = { type = "age", recipients = ["AGE_RECIPIENT"] }

                [profiles.prod.secrets]
                PROD_IMPLICIT = { value = "cipher?", default = "age fails, default used" }
                """.replace("AGE_RECIPIENT", AGE_RECIPIENT),
        },
    ),
    Layout(
        "several_providers_no_default",
        {
            "fnox.toml": """
                [providers]
                one = { type = "plain" }
                two = { type = "plain" }
                age = { type = "age", recipients = ["AGE_RECIPIENT"] }

                [secrets]
                NO_PROVIDER = { value = "stays a stored value, resolves to nothing" }
                NO_PROVIDER_ENV = { value = "x" }
                NO_PROVIDER_DEFAULT = { value = "x", default = "the default" }
                ONE = { provider = "one", value = "one" }
                AGE = { provider = "age", value = "bm90IGFnZQ==" }
                UNKNOWN_PROVIDER = { provider = "nope", value = "n" }
                """.replace("AGE_RECIPIENT", AGE_RECIPIENT),
        },
        env={"NO_PROVIDER_ENV": "from the environment"},
    ),
    Layout(
        "kinds",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                PROVIDED = { provider = "plain", value = "provided" }
                STORED = { value = "stored" }
                DEFAULTED = { default = "defaulted" }
                FROM_ENV = { description = "set by the test" }
                UNSET_ENV = { description = "never set" }
                DEFAULT_AND_ENV = { default = "default beats env" }
                CERT = { provider = "plain", value = "-----BEGIN CERT-----", as_file = true }
                DEFAULT_FILE = { default = "file body", as_file = true }
                ENV_FILE = { as_file = true }
                NOT_A_FILE = { default = "plain text", as_file = false }
                """,
        },
        env={
            "FROM_ENV": "from-env",
            "DEFAULT_AND_ENV": "env loses",
            "ENV_FILE": "env file body",
        },
    ),
    Layout(
        "descriptions",
        {
            "fnox.toml": """
                [secrets]
                MARKUP = { default = "m", description = "[red]not red[/red] [bold]x[/] [link=y]z" }
                UNICODE = { default = "u", description = "Clé d'accès — ünïcödé ✓" }
                BRACKETS = { default = "b", description = "[secrets.FAKE] # not a comment" }
                'SINGLE' = { default = "s", description = 'literal \\n "quotes"' }
                """,
        },
    ),
    Layout(
        "docs_multi_environment",
        {
            # docs/providers/aws-kms.md, "Multi-Environment Example", verbatim.
            "fnox.toml": """
                # Development: age encryption (free)
                [providers]
                age = { type = "age", recipients = ["age1..."] }

                [secrets]
                DATABASE_URL = { provider = "age", value = "encrypted-dev..." }

                # Production: AWS KMS
                [profiles.production.providers]
                kms = { type = "aws-kms", key_id = "arn:aws:kms:us-east-1:123456789012:key/...", region = "us-east-1" }

                [profiles.production.secrets]
                DATABASE_URL = { provider = "kms", value = "AQICAHhw..." }  # ← KMS encrypted ciphertext
                """,
        },
    ),
    Layout(
        "docs_multi_environment_with_defaults",
        {
            "fnox.toml": """
                [providers]
                age = { type = "age", recipients = ["AGE_RECIPIENT"] }

                [secrets]
                DATABASE_URL = { provider = "age", value = "encrypted-dev...", default = "postgres://dev" }
                LOG_LEVEL = { default = "info" }

                [profiles.production.providers]
                kms = { type = "aws-kms", key_id = "alias/fnox-prod", region = "us-east-1" }

                [profiles.production.secrets]
                DATABASE_URL = { provider = "kms", value = "AQICAHhw...", default = "postgres://prod" }
                STORED = { value = "two providers visible, no default: no provider" }
                """.replace("AGE_RECIPIENT", AGE_RECIPIENT),
        },
    ),
    Layout(
        "docs_hierarchical",
        {
            # docs/guide/hierarchical-config.md, run from services/api.
            "fnox.toml": """
                [providers]
                age = { type = "age", recipients = ["AGE_RECIPIENT"] }

                [secrets]
                LOG_LEVEL = { default = "info" }
                ENVIRONMENT = { default = "development" }
                JWT_SECRET = { provider = "age", value = "encrypted-shared-jwt..." }
                """.replace("AGE_RECIPIENT", AGE_RECIPIENT),
            "services/api/fnox.toml": """
                [secrets]
                API_PORT = { default = "3000" }
                DATABASE_URL = { provider = "age", value = "encrypted-api-db..." }
                LOG_LEVEL = { default = "debug" }  # Override shared secret
                """,
            "services/worker/fnox.toml": """
                [secrets]
                QUEUE_URL = { provider = "age", value = "encrypted-queue-url..." }
                WORKER_CONCURRENCY = { default = "4" }
                """,
            "services/api/fnox.local.toml": """
                [secrets.DATABASE_URL]
                default = "postgresql://localhost/mylocal"

                [secrets.DEBUG_MODE]
                default = "true"
                """,
        },
        cwd="services/api",
    ),
    Layout(
        "docs_profile_inheritance",
        {
            # docs/guide/profiles.md, "Profile Inheritance": the provider "aws" is never defined.
            "fnox.toml": """
                # Define once - all profiles inherit
                [secrets]
                LOG_LEVEL = { default = "info" }
                API_TIMEOUT = { default = "30" }
                DATABASE_URL = { provider = "age", value = "encrypted-dev-db..." }

                # Staging inherits all top-level secrets
                [profiles.staging]
                # Automatically gets: LOG_LEVEL, API_TIMEOUT, DATABASE_URL

                # Production overrides specific secrets, inherits the rest
                [profiles.production.secrets]
                DATABASE_URL = { provider = "aws", value = "prod-db" }  # Overrides DATABASE_URL
                LOG_LEVEL = { default = "warn" }  # Overrides LOG_LEVEL
                # Still inherits API_TIMEOUT="30" from top level
                """,
        },
    ),
    Layout(
        "fnox_profile_variable",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                A = { value = "a" }

                [profiles.staging.secrets]
                A = { value = "staging a" }
                """,
            "fnox.staging.toml": """
                [secrets]
                FROM_FILE = { default = "staging file" }
                """,
            "fnox.other.toml": """
                [secrets]
                OTHER = { default = "other file" }
                """,
        },
        env={"FNOX_PROFILE": "staging"},
        profile_lists=("other,staging", " staging , other ", "default,other"),
    ),
    Layout(
        "profile_files_in_parents",
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }

                [secrets]
                TOP = { value = "top" }
                """,
            "fnox.prod.toml": """
                import = ["prod-extra.toml"]

                [secrets]
                PARENT_PROD = { value = "parent prod file" }
                """,
            "prod-extra.toml": """
                [secrets]
                EXTRA = { default = "imported by a profile file" }
                """,
            "app/fnox.toml": """
                [secrets]
                APP = { value = "app" }
                """,
            "app/fnox.prod.toml": """
                [secrets]
                APP = { value = "app prod" }
                """,
        },
        cwd="app",
    ),
    Layout(
        "profile_tables_beat_deeper_top_level",
        {
            "fnox.toml": """
                default_provider = "shared"

                [providers]
                shared = { type = "plain" }

                [profiles.prod]
                default_provider = "prod_provider"

                [profiles.prod.providers]
                prod_provider = { type = "plain" }
                child_provider = { type = "age", recipients = ["AGE_RECIPIENT"] }

                [profiles.prod.secrets]
                CLASH = { default = "parent profile table beats child top level" }
                """.replace("AGE_RECIPIENT", AGE_RECIPIENT),
            "app/fnox.toml": """
                [providers]
                child_provider = { type = "plain" }

                [secrets]
                CLASH = { default = "child top level" }
                VIA_CHILD_PROVIDER = { provider = "child_provider", value = "v", default = "age" }
                IMPLICIT = { value = "i" }
                """,
        },
        cwd="app",
    ),
    Layout(
        "only_provider_of_a_profile",
        {
            "fnox.toml": """
                # Without any provider fnox refuses to export a value-only secret ("No
                # providers configured"), unless it has a default to fall back to.
                [secrets]
                IMPLICIT = { value = "lone in prod", default = "no provider in default" }

                [profiles.prod.providers]
                lone = { type = "plain" }
                """,
        },
    ),
    Layout(
        "profile_file_with_root",
        {
            "fnox.toml": """
                [secrets]
                ABOVE = { default = "loaded unless prod is active" }
                """,
            "app/fnox.toml": """
                [secrets]
                APP = { default = "app" }
                """,
            "app/fnox.prod.toml": """
                root = true

                [secrets]
                PROD = { default = "prod" }
                """,
        },
        cwd="app",
    ),
    Layout(
        "odd_profile_names",
        {
            "fnox.toml": """
                [secrets]
                TOP = { default = "top" }

                [profiles.default.secrets]
                IGNORED = { default = "fnox ignores [profiles.default]" }

                [profiles.local.secrets]
                LOCAL_PROFILE = { default = "profile named local" }
                """,
            "fnox.default.toml": """
                [secrets]
                NEVER = { default = "fnox.default.toml is never loaded" }
                """,
            "fnox.local.toml": """
                [secrets]
                LOCAL_FILE = { default = "local file" }
                """,
            "fnox.eu.west.toml": """
                [secrets]
                DOTTED_PROFILE = { default = "profile eu.west" }
                """,
        },
        profile_lists=("eu.west,local",),
    ),
    Layout(
        "global_with_import_and_profiles",
        {
            GLOBAL: """
                import = ["global-extra.toml"]

                [providers]
                plain = { type = "plain" }

                [secrets]
                GLOBAL = { value = "g" }

                [profiles.personal.secrets]
                PERSONAL = { value = "p" }
                """,
            "~/.config/fnox/global-extra.toml": """
                [secrets]
                NOT_LOADED = { default = "fnox ignores imports of the global config" }
                """,
            "fnox.toml": """
                [secrets]
                PROJECT = { default = "project" }
                """,
        },
    ),
    Layout(
        "byte_order_mark_and_toml_1_1",
        {
            # A UTF-8 byte order mark first, and what TOML 1.1 allows: a trailing comma and an
            # inline table over several lines (fnox reads TOML 1.1).
            "fnox.toml": "\ufeff[providers]\n"
            'plain = { type = "plain" }\n'
            "\n"
            "[secrets]\n"
            'FIRST = { provider = "plain", value = "one", }\n'
            "SECOND = {\n"
            '  default = "two",\n'
            '  description = "an inline table on several lines",\n'
            "}\n"
            'THIRD = { default = "x\ufeffy" }\n',
        },
    ),
]
