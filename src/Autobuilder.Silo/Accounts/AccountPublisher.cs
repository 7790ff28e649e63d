using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Accounts;

/// <summary>
/// Publishes the directory through every registered <see cref="IAccountSnapshotWriter"/> (the
/// OpenPGP keyring, the SSH key index, authorized_keys …), one after the other. Each writer runs
/// even when another failed, so a broken authorized_keys never keeps a removed key in the keyring;
/// the failures are reported together afterwards.
/// </summary>
public sealed class AccountPublisher(IEnumerable<IAccountSnapshotWriter> writers) : IAccountPublisher
{
    private readonly IReadOnlyList<IAccountSnapshotWriter> _writers = [.. writers];

    public async Task PublishAsync(AccountSnapshot snapshot, CancellationToken ct = default)
    {
        List<Exception>? failures = null;
        foreach (var writer in _writers)
        {
            try
            {
                await writer.WriteAsync(snapshot, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (failures ??= []).Add(new InvalidOperationException($"{writer.GetType().Name}: {ex.Message}", ex));
            }
        }
        if (failures is not null)
            throw new AggregateException($"publishing the account directory failed in {failures.Count} of {_writers.Count} writer(s)", failures);
    }
}
