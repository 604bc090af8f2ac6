"""A configuration exercising fnox's resolution rules, with what ``fnox get`` gives for each.

Shared by the resolver unit tests and the differential test against the real binary. Every
provider is ``plain`` so nothing but fnox's resolution logic is involved.
"""

from __future__ import annotations

CONFIG = r"""
[providers]
p = { type = "plain" }
q = { type = "plain" }

[secrets]
BASE = { default = "example.com" }
URL = { default = "https://api.${BASE}/x" }
DOLLAR = { default = "$${BASE}" }
UNKNOWN = { default = "a${NOPE}b" }
EMPTY = { default = "a${}b" }
UNTERM = { default = "a${BASE" }
MISSINGREF = { default = "[${GONE}]" }
GONE = { description = "nothing" }
GONEERR = { if_missing = "error" }
MISSINGREF_ERR = { default = "[${GONEERR}]" }
CYC1 = { default = "${CYC2}" }
CYC2 = { default = "${CYC1}" }
SELF = { default = "${SELF}" }
PV = { provider = "p", value = "plainval" }
REFPV = { default = "<${PV}>" }
TWICE = { default = "${PV}-${PV}-${BASE}" }
CHAIN = { default = "(${URL})" }
BADPROV = { provider = "nope", value = "x" }
BADPROV_DEF = { provider = "nope", value = "x", default = "dflt" }
REF_BADPROV = { default = "<${BADPROV}>" }
NOPROV = { value = "x" }
NOPROV_DEF = { value = "x", default = "d2" }
ENVONLY = {}
FROMENV = { description = "set in the environment" }
ENVREF = { default = "env:${FROMENV}" }
PROVIDER_BEATS_DEFAULT = { provider = "p", value = "from-provider", default = "unused" }
PROVIDER_BEATS_ENV = { provider = "q", value = "from-provider" }
DEFAULT_BEATS_ENV = { default = "from-default" }
JSON = { provider = "p", value = '{"a": {"b.c": 1, "s": "str", "n": null, "arr": [1,2]}}', json_path = "a.b\\.c" }
JSONS = { provider = "p", value = '{"a": {"s": "str"}}', json_path = "a.s" }
JSONNULL = { provider = "p", value = '{"a": null}', json_path = "a" }
JSONOBJ = { provider = "p", value = '{"a": {"s": "str", "n": [1, 2], "u": "ü"}}', json_path = "a" }
JSONMISSING = { provider = "p", value = '{"a": 1}', json_path = "b" }
JSONBAD = { provider = "p", value = "not json", json_path = "a" }
LINE = { provider = "p", value = "l1\nl2\r\nl3\n", line = 2 }
LINEOOR = { provider = "p", value = "l1\n", line = 3 }
DEFLINE = { default = "x\ny", line = 2 }
ENVLINE = { line = 1 }
SYNCED = { provider = "p", value = "remote", sync = { provider = "q", value = "cached" } }
"""

ENVIRON = {
    "FROMENV": "environment value",
    "PROVIDER_BEATS_ENV": "from-env",
    "DEFAULT_BEATS_ENV": "from-env",
    "ENVLINE": "e1\ne2",
}

# name -> the value, or None when fnox fails (exit status 1), or "" when it prints nothing.
EXPECTED: dict[str, str | None] = {
    "URL": "https://api.example.com/x",
    "DOLLAR": "$example.com",
    "UNKNOWN": None,
    "EMPTY": None,
    "UNTERM": "a${BASE",
    "MISSINGREF": "[]",
    "MISSINGREF_ERR": None,
    "CYC1": None,
    "SELF": None,
    "REFPV": "<plainval>",
    "TWICE": "plainval-plainval-example.com",
    "CHAIN": "(https://api.example.com/x)",
    "BADPROV": None,
    "BADPROV_DEF": "dflt",
    "REF_BADPROV": "<>",
    "ENVREF": "env:environment value",
    "PROVIDER_BEATS_DEFAULT": "from-provider",
    "PROVIDER_BEATS_ENV": "from-provider",
    "DEFAULT_BEATS_ENV": "from-default",
    "JSON": "1",
    "JSONS": "str",
    "JSONNULL": "null",
    "JSONOBJ": '{"n":[1,2],"s":"str","u":"ü"}',
    "JSONMISSING": None,
    "JSONBAD": None,
    "LINE": "l2",
    "LINEOOR": None,
    "DEFLINE": "y",
    "ENVLINE": "e1",
    "SYNCED": "cached",
}

# Secrets fnox leaves unset (exit status 0, nothing printed) under the default if_missing.
MISSING = ["NOPROV", "ENVONLY", "GONE"]
