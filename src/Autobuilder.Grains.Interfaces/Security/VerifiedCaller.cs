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

    /// <summary>
    /// Who a silo's web pages or API act for ("alice (web)"): the pages call grains with the silo's
    /// own certificate, so they name the person here. The access filter removes it from the calls of
    /// any caller that is not a silo, so a grain can believe it as it believes <see cref="Name"/>.
    /// </summary>
    public const string OnBehalfKey = "ab-on-behalf-of";

    /// <summary>The person a silo acts for, or null (a console's own call, a silo's own work).</summary>
    public static string? OnBehalfOf => RequestContext.Get(OnBehalfKey) as string;

    /// <summary>Who acted, for a grain's records: the person a silo's pages act for, else the verified certificate name.</summary>
    public static string? Actor => OnBehalfOf ?? Name;
}
