using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Storage;
using SmtpHost = global::SmtpServer.SmtpServer;
using SmtpReply = global::SmtpServer.Protocol.SmtpResponse;

namespace Autobuilder.Testing;

/// <summary>
/// A real SMTP server in this process on 127.0.0.1 and a port the OS picks, collecting what it receives.
/// Tests send real SMTP to it instead of faking the client, so wire-level mistakes (encoding, envelope,
/// dot-stuffing, AUTH) show up. Dispose stops it.
/// </summary>
public sealed class SmtpTestServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly List<SmtpTestDelivery> _deliveries = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = NewSignal();
    private SmtpHost? _server;
    private Task? _running;

    private SmtpTestServer()
    {
    }

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>Received messages in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.Select(d => d.Message).ToList();
            }
        }
    }

    /// <summary>Received messages with their envelopes, in arrival order.</summary>
    public IReadOnlyList<SmtpTestDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.ToList();
            }
        }
    }

    /// <summary>
    /// Starts a server. <paramref name="acceptRecipient"/> decides per RCPT TO address (user@host) whether it is
    /// accepted; refused ones get "550 mailbox unavailable". With <paramref name="userName"/> set, AUTH with exactly
    /// these credentials is required (over plain text, as this is loopback only).
    /// </summary>
    public static SmtpTestServer Start(Func<string, bool>? acceptRecipient = null, string? userName = null, string? password = null)
    {
        var server = new SmtpTestServer();
        try
        {
            server.Run(acceptRecipient ?? (_ => true), userName, password);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Waits until a received message matches, and returns it; throws <see cref="TimeoutException"/> naming what did arrive.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var match = _deliveries.Select(d => d.Message).FirstOrDefault(predicate);
                if (match is not null)
                {
                    return match;
                }

                arrived = _arrived.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                var subjects = string.Join(", ", Messages.Select(m => $"'{m.Subject}'"));
                throw new TimeoutException($"No matching mail within {timeout.TotalSeconds} s on {Host}:{Port}; received: [{subjects}].");
            }

            try
            {
                await arrived.WaitAsync(remaining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Loop once more to check and report with the list of what arrived.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _server?.Shutdown();
            _running?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancellation of the listener surfaces here; the server is down either way.
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Run(Func<string, bool> acceptRecipient, string? userName, string? password)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp-test.localhost")
            .Endpoint(e =>
            {
                // Port 0: the OS picks a free port, read back below, so parallel tests never race for one.
                e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0));
                if (userName is not null)
                {
                    e.AuthenticationRequired().AllowUnsecureAuthentication();
                }
            })
            .Build();

        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var services = new global::SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        services.Add(new RecipientFilter(acceptRecipient));
        if (userName is not null)
        {
            services.Add(new Authenticator(userName, password ?? string.Empty));
        }

        _server = new SmtpHost(options, services);
        _running = _server.StartAsync(_stop.Token);
        _running.ContinueWith(t => started.TrySetException(t.Exception?.InnerExceptions ?? [new InvalidOperationException("SMTP test server stopped before listening.")]), TaskScheduler.Default);

        if (!started.Task.Wait(StartTimeout))
        {
            throw new TimeoutException($"SMTP test server did not start listening within {StartTimeout.TotalSeconds} s.");
        }

        Port = started.Task.Result;
    }

    private void Add(SmtpTestDelivery delivery)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _deliveries.Add(delivery);
            arrived = _arrived;
            _arrived = NewSignal();
        }

        arrived.TrySetResult();
    }

    private static string Address(IMailbox mailbox) => $"{mailbox.User}@{mailbox.Host}";

    private sealed class Store(SmtpTestServer owner) : MessageStore
    {
        public override Task<SmtpReply> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            owner.Add(new SmtpTestDelivery(Address(transaction.From), transaction.To.Select(Address).ToList(), message));
            return Task.FromResult(SmtpReply.Ok);
        }
    }

    private sealed class RecipientFilter(Func<string, bool> acceptRecipient) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(acceptRecipient(Address(to)));
    }

    private sealed class Authenticator(string userName, string password) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password1, CancellationToken cancellationToken) =>
            Task.FromResult(user == userName && password1 == password);
    }
}
