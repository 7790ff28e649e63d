using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Uploads;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Web;

/// <summary>What the pages and the API show: the queries, one per view, on the grains the console reads too.</summary>
public sealed class WebReadModel(IGrainFactory grains, IUploadIndex index, IOptions<AutobuilderOptions> options)
{
    private readonly AutobuilderOptions _options = options.Value;

    public IReadOnlyList<string> Products => _options.Products;

    public Task<SchedulerStatus> SchedulerAsync() => grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();

    /// <summary>As <see cref="SchedulerAsync"/>, with why each waiting build waits.</summary>
    public Task<SchedulerStatus> QueueAsync() => grains.GetGrain<IBuildSchedulerGrain>(0).GetQueueAsync();

    /// <summary>A page of the uploads, newest first, filtered: one query on the uploads' read model (every upload ever taken).</summary>
    public async Task<UploadPage> UploadsPageAsync(UploadFilter filter)
    {
        if (filter.Product is { Length: > 0 } p && !_options.Products.Contains(p, StringComparer.Ordinal))
            return new UploadPage([], false);
        return await index.QueryAsync(filter.ToQuery());
    }

    /// <summary>As <see cref="UploadsPageAsync"/>, the uploads alone.</summary>
    public async Task<IReadOnlyList<UploadSummary>> UploadsAsync(UploadFilter filter) => (await UploadsPageAsync(filter)).Uploads;

    /// <summary>One upload, or null when the id is not one or names no upload.</summary>
    public async Task<UploadDetails?> UploadAsync(string id) =>
        Known(id) ? await grains.GetGrain<IUploadGrain>(id).GetDetailsAsync() : null;

    /// <summary>An id of a configured product's upload: anything else activates no grain.</summary>
    private bool Known(string id) => UploadIds.IsValid(id) && _options.Products.Contains(id.Split('/')[0], StringComparer.Ordinal);

    /// <summary>One piece of a build's log from <paramref name="offset"/> (what the live page polls for).</summary>
    public async Task<LogChunk?> LogChunkAsync(string id, string? architecture, long offset) =>
        Known(id) && offset >= 0 ? await grains.GetGrain<IUploadGrain>(id).ReadLogAsync(architecture, offset) : null;

    /// <summary>A build's log from the start, up to <paramref name="limit"/> bytes (its chunks read in turn); Last: the last chunk read (where following goes on).</summary>
    public async Task<(LogChunk? First, string Text, bool Cut, LogChunk? Last)> LogAsync(string id, string? architecture, long limit)
    {
        if (!Known(id))
            return (null, "", false, null);
        var upload = grains.GetGrain<IUploadGrain>(id);
        var first = await upload.ReadLogAsync(architecture, 0);
        if (first is null)
            return (null, "", false, null);
        var text = new System.Text.StringBuilder(first.Text);
        var chunk = first;
        var last = first;
        while (chunk.NextOffset > chunk.Offset && chunk.NextOffset < limit)
        {
            chunk = await upload.ReadLogAsync(first.Architecture, chunk.NextOffset);
            if (chunk is null || chunk.Text.Length == 0)
                break;
            text.Append(chunk.Text);
            last = chunk;
        }
        return (first, text.ToString(), chunk is not null && chunk.NextOffset >= limit, last);
    }

    /// <summary>Generations a view shows of a distribution's history, the newest (a burst of publishes keeps thousands for Stage:ByHashMinutes).</summary>
    public const int GenerationsShown = 20;

    /// <summary>Every repository with its distributions' state (one call: the repositories grain gathers them), each history cut to the newest <see cref="GenerationsShown"/>.</summary>
    public async Task<IReadOnlyList<RepositoryInfo>> RepositoriesAsync() =>
        [.. (await grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Select(r => r with { Distributions = [.. r.Distributions.Select(Newest)] })];

    private static DistributionStatus Newest(DistributionStatus d) =>
        d.History.Count <= GenerationsShown ? d : d with { History = [.. d.History.Skip(d.History.Count - GenerationsShown)] };

    /// <summary>Sources a distribution's page lists at most (<c>limit</c> up to <see cref="MaxPackagesPage"/>).</summary>
    public const int PackagesPage = 100, MaxPackagesPage = 1000;

    /// <summary>
    /// One distribution: its status with its generations, and one page of the source versions it
    /// holds with their binaries and architectures (the sources from <paramref name="from"/> on, in
    /// name order); null when there is none such.
    /// </summary>
    public async Task<DistributionView?> DistributionAsync(string repository, string product, string? from = null, int limit = PackagesPage)
    {
        var repositories = await RepositoriesAsync();
        if (repositories.FirstOrDefault(r => r.Name == repository) is not { } info || !info.Products.Contains(product, StringComparer.Ordinal))
            return null;
        var details = await grains.GetGrain<IDistributionGrain>($"{repository}/{product}").GetPageAsync(from, Math.Clamp(limit, 1, MaxPackagesPage));
        // Where packages of this distribution may be promoted from: the repositories promoting into this one.
        var sources = repositories.Where(r => r.PromoteTo == repository && r.Products.Contains(product, StringComparer.Ordinal)).Select(r => r.Name).ToList();
        return new DistributionView(info, details with { Status = Newest(details.Status) }, sources);
    }

    /// <summary>What a logged-in account sees of itself: its account (keys, rights, tokens), its web role and its recent uploads.</summary>
    public async Task<AccountView?> AccountAsync(string login)
    {
        var account = grains.GetGrain<IAccountDirectoryGrain>(0).GetAsync(login);
        var role = grains.GetGrain<IWebLoginGrain>(0).RoleAsync(login);
        var uploads = UploadsAsync(new UploadFilter(null, null, null, null, 1000, login));
        return await account is { } a ? new AccountView(a, await role, await uploads) : null;
    }

    /// <summary>The newest entries of the audit log, newest first (operators' page).</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit) =>
        (await grains.GetGrain<IAuditLogGrain>(0).ListAsync(limit)).Reverse().ToList();
}

/// <summary>A distribution's page: its repository, its details, and the repositories that promote into it.</summary>
public sealed record DistributionView(RepositoryInfo Repository, DistributionDetails Details, IReadOnlyList<string> PromoteFrom);

/// <summary>A logged-in account's own page (its token secrets are never kept, so never shown).</summary>
public sealed record AccountView(AccountDetails Account, WebRole Role, IReadOnlyList<UploadSummary> Uploads);

/// <summary>The uploads list's filters (all optional; text matches the id, source, version or last reason).</summary>
public sealed record UploadFilter(string? State, string? Product, string? Source, string? Text, int Limit = 100, string? Uploader = null,
    DateTimeOffset? Since = null, int Offset = 0)
{
    public UploadQuery ToQuery() => new(Product, State, Source, Uploader, Text, Since, null, Limit, Offset);

    public bool Matches(UploadSummary u) =>
        (Since is not { } since || u.ReceivedAt >= since) &&
        (Uploader is not { Length: > 0 } who || u.Account == who) &&
        (State is not { Length: > 0 } s || u.State.ToString().Equals(s, StringComparison.OrdinalIgnoreCase)
                                        || u.Outcome?.ToString().Equals(s, StringComparison.OrdinalIgnoreCase) == true)
        && (Source is not { Length: > 0 } src || u.Source == src)
        && (Text is not { Length: > 0 } t || u.Id.Contains(t, StringComparison.OrdinalIgnoreCase)
            || u.LastReason.Contains(t, StringComparison.OrdinalIgnoreCase));

    public static UploadFilter From(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        var limit = int.TryParse(query["limit"], out var n) ? Math.Clamp(n, 1, 1000) : 100;
        // "since": a date (2026-12-01) or a moment (2026-12-01T12:00Z), UTC unless it says otherwise.
        DateTimeOffset? since = DateTimeOffset.TryParse(Value(query, "since"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var s) ? s : null;
        var offset = int.TryParse(query["offset"], out var o) ? Math.Clamp(o, 0, 10_000_000) : 0;
        return new UploadFilter(Value(query, "state"), Value(query, "product"), Value(query, "source"), Value(query, "q"), limit, Value(query, "uploader"), since, offset);
    }

    private static string? Value(Microsoft.AspNetCore.Http.IQueryCollection query, string name) =>
        query[name].FirstOrDefault() is { Length: > 0 and <= 200 } v ? v : null;
}
