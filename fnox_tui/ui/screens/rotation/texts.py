"""What each step of the walkthrough says, as Rich renderables built only from literal text.

Every string that comes from a file, an AWS answer or the user goes through
:func:`fnox_tui.ui.text.literal`; nothing here is markup. No value is ever part of it: the
steps talk about names, files, lines, keys and counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fnox_tui.core.providers.aws_policy import kms_policy
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.rotation.age import GeneratedIdentity, RecipientCheck
from fnox_tui.core.rotation.commit import PreparedCommit
from fnox_tui.core.rotation.keyinfo import KeyInfo, KeyValidation
from fnox_tui.core.rotation.plan import Route, Slot, kms_cost_usd
from fnox_tui.core.rotation.results import RowResult, RowStatus
from fnox_tui.ui.screens.rotation.session import Loaded, RotationSession, format_seconds
from fnox_tui.ui.text import literal

MASK = "•" * 24


def relative(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def lines(*parts: RenderableType | str) -> Group:
    """A column of renderables; a ``str`` is shown literally."""
    return Group(*(literal(part) if isinstance(part, str) else part for part in parts))


def grid(rows: Iterable[tuple[str, str | Text]], label_width: int = 22) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold dim", width=label_width, overflow="fold")
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(literal(label), literal(value) if isinstance(value, str) else value)
    return table


def error_text(error: ProviderError, prefix: str = "") -> Group:
    parts: list[RenderableType] = [literal(f"✗ {prefix}{error.message}", style="bold red")]
    if error.hint:
        parts.append(literal(error.hint))
    if error.detail:
        parts.append(literal(error.detail, style="cyan"))
    return Group(*parts)


def slot_name(slot: Slot) -> str:
    return {Slot.VALUE: "value", Slot.SYNC: "sync cache", Slot.IDENTITY: "age identity"}[slot]


def dollars(amount: float) -> str:
    """``$0.00003``, ``$0.0150``, ``$1.20``: small sums keep their first figures."""
    if amount == 0:
        return "$0"
    if amount < 0.01:
        return f"${amount:.2g}" if amount >= 1e-4 else f"${amount:.6f}".rstrip("0")
    return f"${amount:.4f}" if amount < 1 else f"${amount:,.2f}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


# Step 1 -------------------------------------------------------------------------------------


def provider_line(session: RotationSession) -> Text:
    entry = session.provider
    where = relative(entry.path, session.workspace.cwd)
    return literal(
        f"Provider {entry.name} ({session.provider_type}) in {where} [{entry.dotted_table}]",
        style="bold",
    )


def current_kms(session: RotationSession, loaded: Loaded) -> Group:
    plan = loaded.plan
    parts: list[RenderableType] = [provider_line(session), Text("")]
    key_id = plan.definition.field_text("key_id") or "?"
    region = plan.definition.field_text("region") or "?"
    facts: list[tuple[str, str | Text]] = [("key_id", key_id)]
    if loaded.key is not None:
        facts += loaded.key.facts()
        parts.append(grid(facts))
        for note in loaded.key.notes:
            parts.append(literal(note, style="yellow"))
    else:
        parts.append(grid([*facts, ("region", region)]))
        if loaded.key_error is not None:
            parts += [Text(""), error_text(loaded.key_error, "DescribeKey: ")]
            parts.append(
                literal(
                    "You can go on; re-encrypting needs the old key to be reachable, and each "
                    "value that cannot be re-encrypted will say why.",
                    style="dim",
                )
            )
    parts += [Text(""), affected_line(session, loaded)]
    return Group(*parts)


def current_age(session: RotationSession, loaded: Loaded) -> Group:
    plan = loaded.plan
    parts: list[RenderableType] = [provider_line(session), Text("")]
    recipients = [str(r) for r in plan.definition.fields.get("recipients") or []]
    rows: list[tuple[str, str | Text]] = [
        (f"Recipient {number}", text) for number, text in enumerate(recipients, 1)
    ]
    identities = loaded.identities
    if identities is not None:
        rows.append(("Your identity", identities.source.description))
        known = [key for key in identities.public_keys if key]
        if known:
            rows.append(("Its public key", ", ".join(known)))
    parts.append(grid(rows or [("Recipients", "none")]))
    if loaded.identity_error is not None:
        parts += [Text(""), error_text(loaded.identity_error)]
        parts.append(
            literal(
                "Re-encrypting decrypts every value with your identity first: without one, "
                "each value will fail and say why.",
                style="dim",
            )
        )
    parts += [Text(""), affected_line(session, loaded)]
    return Group(*parts)


def affected_line(session: RotationSession, loaded: Loaded) -> Text:
    plan = loaded.plan
    files = {row.file for row in plan.rows}
    profiles = sorted({p for row in plan.rows for p in row.profiles})
    what = "use this key" if plan.is_kms else "are encrypted to these recipients"
    if not plan.rows:
        return literal(f"No stored value {what}; the rotation only changes the provider.")
    text = (
        f"{plural(len(plan.rows), 'value')} {what}, in {plural(len(files), 'file')} "
        f"(profiles {', '.join(profiles)}). When each last changed, from git:"
    )
    return literal(text)


# Step 2 -------------------------------------------------------------------------------------


def checking(what: str) -> Text:
    return literal(f"{what}…", style="dim")


def key_checks(validation: KeyValidation, note: str = "") -> Group:
    parts: list[RenderableType] = []
    if note:
        parts.append(literal(note, style="yellow"))
    if validation.error is not None:
        parts.append(error_text(validation.error))
        return Group(*parts)
    key = validation.key
    if key is not None:
        parts.append(key_summary(key))
    for check in validation.checks:
        mark, style = ("✓", "green") if check.ok else ("✗", "red")
        parts.append(literal(f"{mark} {check.message}", style=style))
    if validation.ok:
        parts += [
            Text(""),
            literal("The key can be used. n: the plan.", style="bold green"),
            literal(
                "key_id will name it by its ARN (an alias can later be pointed at another key).",
                style="dim",
            ),
        ]
    return Group(*parts)


def key_summary(key: KeyInfo) -> Table:
    rows: list[tuple[str, str | Text]] = [("Key ARN", key.arn)]
    if key.aliases:
        rows.append(("Aliases", ", ".join(key.aliases)))
    if key.description:
        rows.append(("Description", key.description))
    return grid(rows)


def recipient_checks(check: RecipientCheck) -> Group:
    parts: list[RenderableType] = []
    for added in check.added:
        parts.append(literal(f"+ {added}", style="green"))
    for removed in check.removed:
        parts.append(literal(f"\u2212 {removed}", style="red"))
    for problem in check.problems:
        parts.append(literal(f"✗ {problem}", style="red"))
    for warning in check.warnings:
        parts.append(literal(f"! {warning}", style="yellow"))
    if check.ok:
        how = (
            "your identity is among them, so each value is verified"
            if check.can_verify
            else "the new values cannot be verified here"
        )
        parts += [Text(""), literal(f"The recipients can be used ({how}). n: the plan.")]
    return Group(*parts)


def generated_identity(identity: GeneratedIdentity, shown: bool, places: Sequence[str]) -> Group:
    secret = identity.secret_key if shown else identity.secret_key[:16] + MASK
    parts: list[RenderableType] = [
        literal("A new identity, generated now (fnox-tui stores it nowhere)", style="bold"),
        grid(
            [
                ("Public key", f"{identity.public_key} (added to the recipients)"),
                ("Secret key", literal(secret, style="bold" if shown else "dim")),
            ]
        ),
        literal(
            ("s hides it" if shown else "s shows it")
            + " · y copies it (the clipboard is cleared after a while). It is forgotten when "
            "you leave this screen: store it now.",
            style="dim",
        ),
        literal("Where fnox looks for an identity, first found wins:"),
    ]
    parts += [literal(f"  {number}. {place}") for number, place in enumerate(places, 1)]
    return Group(*parts)


# Step 3 -------------------------------------------------------------------------------------


def plan_summary(session: RotationSession) -> Group:
    plan = session.plan
    files = plan.files_involved()
    cwd = session.workspace.cwd
    shadowed = sum(1 for row in plan.rows if row.shadowed)
    extra = [
        plural(shadowed, "shadowed by a later file", "shadowed by a later file"),
        plural(sum(1 for r in plan.rows if r.key.slot is Slot.SYNC), "sync cache"),
        plural(sum(1 for r in plan.rows if r.key.slot is Slot.IDENTITY), "age identity"),
    ]
    detail = ", ".join(part for part in extra if not part.startswith("0 "))
    count = f"{plural(plan.entries, 'value')} to re-encrypt"
    if detail:
        count += f" ({detail})"
    rows: list[tuple[str, str | Text]] = [
        ("Values", count),
        ("Files written", ", ".join(relative(path, cwd) for path in files)),
    ]
    if plan.is_kms:
        requests = f"{plan.kms_requests} (ReEncrypt and a verifying Decrypt per value)"
        if plan.kms_requests_at_most != plan.kms_requests:
            requests += f", at most {plan.kms_requests_at_most} if ReEncrypt is denied"
        rows.append(("KMS requests", requests))
        cost = kms_cost_usd(plan.kms_requests_at_most)
        rows.append(("Cost", f"about {dollars(cost)} (at $0.03 per 10,000 requests)"))
        route = (
            "ReEncrypt: KMS decrypts and encrypts on its side; no value reaches this machine"
            if plan.route is Route.REENCRYPT
            else "Decrypt+Encrypt on this machine"
        )
        if plan.consent_decrypt:
            route += "; if AWS denies ReEncrypt: Decrypt with the old key and Encrypt with the "
            route += "new one here, compared in memory"
        rows.append(("Path", route))
        target = session.target
        if target is not None:
            rows.append(("New key", getattr(target, "arn", "")))
    else:
        rows.append(
            (
                "Path",
                "each value is decrypted with your identity and encrypted to the new recipients "
                "on this machine (no network)",
            )
        )
    if session.resume is not None:
        rows.append(
            ("Resuming", f"{plural(len(session.resume.rows), 'value')} done in the earlier run")
        )
    parts: list[RenderableType] = [grid(rows)]
    for conflict in plan.conflicts:
        where = f"{relative(conflict.key.entry.path, cwd)}:{conflict.line}"
        uses = "; ".join(f"{profile}: {provider}" for profile, provider in conflict.providers)
        parts.append(
            literal(
                f"! {conflict.name} ({where}) is not rotated: its provider differs between "
                f"profiles ({uses}). Where it uses this provider it will no longer decrypt.",
                style="yellow",
            )
        )
    for note in plan.notes:
        parts.append(literal(f"! {note}", style="yellow"))
    return Group(*parts)


# Step 4 -------------------------------------------------------------------------------------

STATUS_STYLE = {
    RowStatus.PENDING: "dim",
    RowStatus.WORKING: "yellow",
    RowStatus.DONE: "green",
    RowStatus.FAILED: "bold red",
}


def status_cell(result: RowResult) -> Text:
    return literal(result.status.value, style=STATUS_STYLE[result.status])


def detail_cell(result: RowResult) -> Text:
    if result.error is not None:
        return literal(result.error.message, style="red")
    if result.status is RowStatus.DONE:
        note = result.route.value if result.route is not None else ""
        if not result.verified and result.note:
            note += f" · not verified: {result.note}"
        elif result.verified:
            note += " · verified"
        return literal(note.strip(" ·"), style="dim")
    return Text("")


def run_status(session: RotationSession) -> Text:
    done, failed, total = session.progress()
    elapsed, left = session.timing()
    percent = 100 * done // total if total else 100
    parts = [f"{done}/{total} done ({percent}%)"]
    if failed:
        parts.append(f"{failed} failed")
    parts.append(f"{format_seconds(elapsed)} elapsed")
    if session.running:
        parts.append("about " + format_seconds(left) + " left" if left is not None else "ETA …")
    summary = session.summary
    if summary is not None and summary.kms_requests:
        parts.append(f"{summary.kms_requests} KMS requests")
    if session.reused:
        parts.append(f"{session.reused} taken from the earlier run")
    line = " · ".join(parts)
    if session.running:
        if session.cancel.is_set():
            return literal(f"Stopping… {line}", style="yellow")
        return literal(f"Re-encrypting: {line} · c cancels", style="bold")
    if session.complete:
        return literal(f"Every value re-encrypted: {line} · n: the results", style="bold green")
    hints = []
    if failed:
        hints.append("r retries the failed rows alone")
    if total - done - failed:
        hints.append("n continues with the rest")
    hints.append("esc leaves without writing anything")
    stopped = "Stopped" if summary is not None and summary.cancelled else "Not finished"
    return literal(f"{stopped}: {line}. Nothing was written. {'; '.join(hints)}.", style="yellow")


# Step 5 -------------------------------------------------------------------------------------


def verify_summary(session: RotationSession) -> Group:
    results = session.results()
    total = len(results)
    routes: dict[Route, int] = {}
    for result in results:
        if result.route is not None:
            routes[result.route] = routes.get(result.route, 0) + 1
    verified = sum(1 for result in results if result.verified)
    unverified = [result for result in results if result.done and not result.verified]
    new = "the new key" if session.is_kms else "your identity"
    parts: list[RenderableType] = [
        literal(f"All {plural(total, 'value')} re-encrypted.", style="bold green"),
        Text(""),
    ]
    rows: list[tuple[str, str | Text]] = [
        ("Verified", f"{verified} of {total} decrypt under {new}"),
    ]
    if routes.get(Route.REENCRYPT):
        rows.append(
            (
                "ReEncrypt",
                f"{routes[Route.REENCRYPT]}: re-encrypted by KMS, checked with a Decrypt under "
                "the new key (the plaintext never reached this machine)",
            )
        )
    if routes.get(Route.DECRYPT_ENCRYPT):
        rows.append(
            (
                "Decrypt+Encrypt",
                f"{routes[Route.DECRYPT_ENCRYPT]}: decrypted here, encrypted again, and the new "
                "ciphertext decrypted to the same value (compared as SHA-256 digests in memory)",
            )
        )
    summary = session.summary
    if summary is not None:
        rows.append(("Time", format_seconds(summary.seconds)))
        if summary.kms_requests:
            rows.append(("KMS requests", str(summary.kms_requests)))
    parts.append(grid(rows))
    for result in unverified:
        name = result.key.entry.name
        parts.append(literal(f"! {name}: not verified ({result.note})", style="yellow"))
    parts.append(Text(""))
    if session.dry_run:
        parts.append(
            literal(
                "Dry run: nothing was written and no journal was kept. n finishes.", style="bold"
            )
        )
    else:
        parts.append(literal("n: the commit (nothing is written before you confirm it)."))
    return Group(*parts)


# Step 6 -------------------------------------------------------------------------------------


def change_line(session: RotationSession) -> tuple[str, str]:
    plan = session.plan
    target = session.target
    if plan.is_kms:
        old = plan.definition.field_text("key_id") or "?"
        new = target.provider_fields()["key_id"] if target is not None else "?"
        return ("key_id", f"{old} → {new}")
    old_list = [str(r) for r in plan.definition.fields.get("recipients") or []]
    new_list = list(target.provider_fields()["recipients"]) if target is not None else []
    added = len([r for r in new_list if r not in old_list])
    removed = len([r for r in old_list if r not in new_list])
    return ("recipients", f"{len(old_list)} → {len(new_list)} (+{added} \u2212{removed})")


def commit_summary(session: RotationSession, prepared: PreparedCommit) -> Group:
    cwd = session.workspace.cwd
    label, change = change_line(session)
    output = prepared.output
    rows: list[tuple[str, str | Text]] = [
        (label, change),
        ("Values", f"{output.value_count} new ciphertexts"),
    ]
    for path in prepared.files:
        what = [plural(prepared.values_in(path), "value")]
        if path == output.provider.path:
            what.insert(0, "the provider")
        rows.append((relative(path, cwd), " and ".join(what)))
    return Group(
        grid(rows, label_width=28),
        Text(""),
        literal(
            "Each file is written to a temporary file and synced, the journal records them, "
            "then all are renamed at once: every file gets the new values, or none does.",
            style="dim",
        ),
        Text(""),
        literal(f"w writes the {plural(len(prepared.files), 'file')}.", style="bold"),
    )


# Step 7 -------------------------------------------------------------------------------------


def done_kms(session: RotationSession) -> tuple[Group, str]:
    """The closing advice, and the policy ``y`` copies."""
    plan = session.plan
    target = session.target
    new_arn = getattr(target, "arn", "") or "?"
    key = session.loaded.key if session.loaded is not None else None
    old = key.arn if key is not None and key.arn else plan.definition.field_text("key_id") or "?"
    policy = kms_policy(new_arn)
    head = (
        "Dry run finished: nothing was written."
        if session.dry_run
        else f"Written: provider {plan.definition.name} now uses {new_arn}; "
        f"{plural(plan.entries, 'value')} re-encrypted."
    )
    parts: list[RenderableType] = [
        literal(head, style="bold green"),
        Text(""),
        literal(f"The old key ({old}):", style="bold"),
        literal(
            "  • Keep it enabled until every clone of this configuration has pulled the "
            "change: until then their fnox still decrypts with it."
        ),
        literal(
            "  • Older commits and unmerged branches still hold values encrypted under it; "
            "they stay readable only while the key exists."
        ),
        literal("  • Then schedule its deletion (7 to 30 days of waiting, cancellable):"),
        literal(f"      aws kms schedule-key-deletion --key-id {old} --pending-window-in-days 30"),
        literal(
            "  • Consider automatic rotation of the new key: AWS then renews its key material "
            "every year under the same key id, and no file has to change:"
        ),
        literal(f"      aws kms enable-key-rotation --key-id {new_arn}"),
        Text(""),
        literal(
            "Everyone who runs fnox get or fnox set needs this on the new key "
            "(y copies the policy):",
            style="bold",
        ),
        literal(policy, style="cyan"),
        Text(""),
        literal("esc closes the walkthrough.", style="dim"),
    ]
    return Group(*parts), policy


def done_age(session: RotationSession) -> tuple[Group, str]:
    plan = session.plan
    check = session.recipient_check
    head = (
        "Dry run finished: nothing was written."
        if session.dry_run
        else f"Written: provider {plan.definition.name} encrypts to the new recipients; "
        f"{plural(plan.entries, 'value')} re-encrypted."
    )
    parts: list[RenderableType] = [literal(head, style="bold green"), Text("")]
    if check is not None and check.removed:
        parts.append(literal("Removed recipients:", style="bold"))
        parts.append(
            literal(
                "  • They can still decrypt the values in older commits and in every clone "
                "that has not pulled. If a key was lost or leaked, change the secrets "
                "themselves (new passwords, new tokens), not only their encryption."
            )
        )
    if check is not None and check.added:
        parts.append(literal("Added recipients:", style="bold"))
        parts.append(
            literal(
                "  • Their owners can decrypt once they pull; each needs the identity that "
                "matches their public key where fnox looks for it."
            )
        )
    parts += [Text(""), literal("esc closes the walkthrough.", style="dim")]
    recipients = "\n".join(check.recipients) if check is not None else ""
    return Group(*parts), recipients
