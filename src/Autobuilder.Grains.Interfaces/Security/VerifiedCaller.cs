namespace Autobuilder.Grains.Security;

/// <summary>
/// The certificate name the silo's access filter verified for the current call, for grains that
/// record who did something (an operator's cancel). The filter sets it after checking the caller's
/// proof, over anything a client put under the same key, so a grain can believe it.
/// </summary>
public static class VerifiedCaller
{
    public const string Key = "ab-verified-caller";

    /// <summary>The verified name, or null outside a call that went through the access filter (tests without it).</summary>
    public static string? Name => RequestContext.Get(Key) as string;
}
