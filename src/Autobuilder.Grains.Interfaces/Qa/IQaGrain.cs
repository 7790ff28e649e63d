using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The QA ladder of one distribution (key "repository/product", issue 15): the promotion requests
/// of its packages, the votes on them and their rounds, the decisions taken, and the excuses —
/// what holds each package from the next repository up. It promotes and removes only through the
/// stage's distributions (<see cref="IDistributionGrain.PromoteFromAsync"/>, <see cref="IDistributionGrain.RemoveAsync"/>).
/// </summary>
public interface IQaGrain : IGrainWithStringKey
{
    /// <summary>At silo start: registers the quarantine reminder when a step leaves this distribution's repository.</summary>
    [SiloOnly]
    Task StartAsync();

    /// <summary>
    /// The maintainer (the source's owner or uploader, <see cref="PromotionRequest.Login"/>) or the
    /// operator asks for SOURCE VERSION to move up: the checks run and the package moves, or the
    /// answer names every check that failed. On a step the rules move by themselves, the request is
    /// the maintainer's confirmation.
    /// </summary>
    [Operator]
    Task<QaAnswer> RequestPromotionAsync(PromotionRequest request);

    /// <summary>An account's +1 or −1 on the version this distribution holds (the operator's console enters it for the account).</summary>
    [Operator]
    Task<QaAnswer> VoteAsync(QaVote vote);

    /// <summary>Voids the current vote of <paramref name="voter"/> on <paramref name="source"/>, with the reason recorded.</summary>
    [Operator]
    Task<QaAnswer> VoidVoteAsync(string source, string voter, string reason);

    /// <summary>Runs the quarantine rules now (they also run on the reminder): promotes what they allow, recording the rule.</summary>
    [Operator]
    Task<QaAnswer> AutoPromoteAsync();

    /// <summary>Takes SOURCE (the version held, or <paramref name="version"/>) out of this distribution, records why and mails the maintainer.</summary>
    [Operator]
    Task<QaAnswer> DemoteAsync(string source, string? version, string reason);

    /// <summary>For every package (or one source) here: what holds it from the next repository, its votes and karma; and the recent decisions.</summary>
    [Reader]
    Task<QaExcuses> GetExcusesAsync(string? source);

    /// <summary>
    /// As <see cref="GetExcusesAsync"/> for the packages among at most <paramref name="limit"/> sources
    /// here from <paramref name="from"/> on (name order): what a distribution's page shows beside that
    /// page of its packages, at a cost that follows the page.
    /// </summary>
    [Reader]
    Task<QaExcuses> GetExcusesPageAsync(string? from, int limit);

    /// <summary>The votes on <paramref name="source"/> here: the current round's and the open blockers of earlier rounds.</summary>
    [Reader]
    Task<QaVotes> GetVotesAsync(string source);

    /// <summary>
    /// Lintian's answer on SOURCE VERSION's .debs, from the silo's sandboxed run the grain started
    /// (<paramref name="failure"/>: why it could not run): kept, and a request waiting for it is
    /// decided (promoted, or refused naming the blocking tags) and shown in the excuses.
    /// </summary>
    [SiloOnly]
    Task LintianDoneAsync(string source, string version, IReadOnlyList<QaLintianTag> tags, string? failure);

    /// <summary>
    /// <paramref name="distribution"/>, which this ladder step's excuses read (its own packages, the
    /// target's, InstallableWith's), made <paramref name="generation"/> live: the excuses are made
    /// again now, while they are being read, so that the first read after a publish finds them ready.
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task PublishedAsync(string distribution, long generation);
}
