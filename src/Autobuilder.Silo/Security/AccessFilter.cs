using System.Text;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Security;

/// <summary>
/// The admin plane's gate, on every silo for every grain call: the caller's proof is verified
/// (<see cref="ProofVerifier"/>), its certificate's role must allow the method
/// (<see cref="AccessMap"/>), and a change made by a user (a method needing operator or admin) is
/// written to the audit log with its outcome. Refused calls are logged here, not audited.
/// </summary>
public sealed partial class AccessFilter(ProofVerifier verifier, IGrainFactory grains, TimeProvider time, ILogger<AccessFilter> logger)
    : IIncomingGrainCallFilter
{
    // Not async itself: the calls of silos and readers (nearly all) pass through without a state
    // machine of their own; only a change a user makes waits here, for its audit entry.
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (IsOwnTimer(context))
            return context.Invoke();
        var needed = AccessMap.Needed(context.InterfaceMethod);
        CertificateIdentity caller;
        try
        {
            if (RequestContext.Get(CallProof.Key) is not CallProof proof)
                throw new AccessRefusedException("the call carries no certificate proof: connect with a certificate of this autobuilder (autobuilder certs issue NAME --role reader)");
            caller = verifier.Verify(proof, checkRevocation: !AccessMap.IsClientProtocol(context.InterfaceMethod));
            if (!caller.Role.Allows(needed))
            {
                var what = What(context);
                throw new AccessRefusedException(needed == AccessRole.Silo
                    ? $"{what} is internal to the autobuilder's silos; certificate '{caller.Name}' (role {caller.Role.Name()}) may not call it"
                    : $"certificate '{caller.Name}' has role {caller.Role.Name()}; {what} needs role {needed.Name()}");
            }
        }
        catch (AccessRefusedException ex)
        {
            LogRefused(logger, What(context), context.SourceId?.ToString() ?? "?", ex.Message);
            return Task.FromException(ex);
        }

        // Over whatever the caller put there itself: grains that record who acted read this.
        RequestContext.Set(VerifiedCaller.Key, caller.Name);
        // Only a silo (its web pages) may say whom it acts for; anyone else's claim is dropped.
        if (caller.Role != AccessRole.Silo && RequestContext.Get(VerifiedCaller.OnBehalfKey) is not null)
            RequestContext.Remove(VerifiedCaller.OnBehalfKey);
        if (caller.Role == AccessRole.Silo || needed < AccessRole.Operator)
            return context.Invoke();
        return AuditedAsync(context, caller);
    }

    private async Task AuditedAsync(IIncomingGrainCallContext context, CertificateIdentity caller)
    {
        var result = "ok";
        try
        {
            await context.Invoke();
            if (context.Result is string answer)
                result = $"ok: {Shorten(answer, 300)}";
            else if (context.Result is StageResult stage)
                result = stage.Ok ? $"ok: {Shorten(stage.Message, 300)}" : $"refused: {Shorten(stage.Message, 300)}";
            else if (context.Result is QaAnswer qa)
                result = $"{(qa.Ok ? "ok" : "refused")}: {Shorten(qa.Describe(), 300)}";
        }
        catch (Exception ex)
        {
            result = $"error: {ex.GetType().Name}: {Shorten(ex.Message, 300)}";
            throw;
        }
        finally
        {
            var entry = new AuditEntry(time.GetUtcNow(), caller.Name, caller.Role.Name(), $"{What(context)}({Arguments(context)})", result);
            try
            {
                await grains.GetGrain<IAuditLogGrain>(0).RecordAsync(entry);
            }
            catch (Exception ex)
            {
                // The change is made; losing its record must be seen by the operator.
                LogAuditFailed(logger, ex, entry.Who, entry.What, entry.Result);
            }
        }
    }

    // Only refusals and audited calls need it: silo-to-silo calls (nearly all) never build the string.
    private static string What(IIncomingGrainCallContext context)
    {
        var name = context.InterfaceName;
        return $"{name[(name.LastIndexOf('.') + 1)..]}.{context.MethodName}";
    }

    /// <summary>
    /// A grain's (or system target's) own timer ticks arrive as a call from itself to itself,
    /// made inside the silo without any outgoing filter: no proof, and none needed.
    /// </summary>
    private static bool IsOwnTimer(IIncomingGrainCallContext context) =>
        context.InterfaceName.EndsWith("IGrainTimerInvoker", StringComparison.Ordinal) && context.SourceId == context.TargetId;

    private static string Arguments(IIncomingGrainCallContext context)
    {
        var text = new StringBuilder();
        var request = context.Request;
        if (context.TargetId.Key.ToString() is { Length: > 0 } key)
            text.Append('[').Append(Shorten(key, 200)).Append(']');
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (text.Length > 0)
                text.Append(", ");
            text.Append(Shorten(request.GetArgument(i)?.ToString() ?? "null", 200));
        }
        return text.ToString();
    }

    private static string Shorten(string? text, int max)
    {
        var line = (text ?? "").ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..max] + "…";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {What} from {Source}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string what, string source, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit entry of {Who}: {What} → {Result}")]
    private static partial void LogAuditFailed(ILogger logger, Exception ex, string who, string what, string result);
}
