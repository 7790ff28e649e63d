namespace Autobuilder.Grains;

/// <summary>
/// A directory to take in at once (<c>accounts import FILE</c>; docs/accounts-import.md): a
/// community moving in with its user database. Idempotent: accounts are added or brought up to
/// date, keys and rights added; nothing is removed unless <see cref="ReplaceSshKeys"/> says so.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AccountImport(
    [property: Id(0)] IReadOnlyList<ImportedAccount> Accounts,
    [property: Id(1)] IReadOnlyList<UploadRight> Rights,
    [property: Id(2)] bool ReplaceSshKeys = false);

/// <summary>One account of an import: SSH keys as authorized_keys lines (no options), OpenPGP keys armored.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportedAccount(
    [property: Id(0)] string Login,
    [property: Id(1)] string RealName,
    [property: Id(2)] string Email,
    [property: Id(3)] bool Enabled,
    [property: Id(4)] IReadOnlyList<string> Groups,
    [property: Id(5)] IReadOnlyList<string> SshKeys,
    [property: Id(6)] IReadOnlyList<string> OpenPgpKeys);

/// <summary>What an import did: counts, and one line per account or right that was added, updated or skipped (with why).</summary>
[GenerateSerializer, Immutable]
public sealed record ImportReport(
    [property: Id(0)] int Added,
    [property: Id(1)] int Updated,
    [property: Id(2)] int Unchanged,
    [property: Id(3)] int Skipped,
    [property: Id(4)] IReadOnlyList<ImportLine> Lines);

/// <summary>One subject of an import (a login, "login key SHA256:…", a right) and what happened: added, updated, unchanged or skipped.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportLine(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Outcome,
    [property: Id(2)] string Reason);

/// <summary>A group as the directory sees it: its members and the rights granted to "@name".</summary>
[GenerateSerializer, Immutable]
public sealed record AccountGroup(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Members,
    [property: Id(2)] IReadOnlyList<UploadRight> Rights);
