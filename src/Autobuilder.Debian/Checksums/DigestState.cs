using System.Runtime.InteropServices;

namespace Autobuilder.Debian.Checksums;

/// <summary>
/// One running MD5, SHA-1 or SHA-256 (OpenSSL's EVP, with the CPU's SHA instructions) that can be
/// copied at any point. An index kept as blocks stores the state after each block, so when only
/// the last blocks change, the sums of the whole file are finished from the state before the first
/// changed block instead of hashing tens of megabytes again.
/// </summary>
public sealed class DigestState : IDisposable
{
    private readonly Handle _ctx;

    private DigestState(DigestKind kind, Handle ctx, long length)
    {
        Kind = kind;
        _ctx = ctx;
        Length = length;
    }

    public DigestKind Kind { get; }

    /// <summary>Bytes appended so far.</summary>
    public long Length { get; private set; }

    public static DigestState Start(DigestKind kind)
    {
        var ctx = Handle.New();
        var type = kind switch
        {
            DigestKind.Md5 => LibCrypto.Md5(),
            DigestKind.Sha1 => LibCrypto.Sha1(),
            DigestKind.Sha256 => LibCrypto.Sha256(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (LibCrypto.DigestInit(ctx.DangerousGetHandle(), type, 0) != 1)
        {
            ctx.Dispose();
            throw new InvalidOperationException($"OpenSSL cannot start a {kind} digest");
        }
        return new DigestState(kind, ctx, 0);
    }

    public unsafe void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        fixed (byte* p = data)
        {
            if (LibCrypto.DigestUpdate(_ctx.DangerousGetHandle(), p, (nuint)data.Length) != 1)
                throw new InvalidOperationException($"OpenSSL {Kind} update failed");
        }
        Length += data.Length;
    }

    /// <summary>An independent state that has seen the same bytes.</summary>
    public DigestState Copy()
    {
        var ctx = Handle.New();
        if (LibCrypto.MdCtxCopy(ctx.DangerousGetHandle(), _ctx.DangerousGetHandle()) != 1)
        {
            ctx.Dispose();
            throw new InvalidOperationException($"OpenSSL cannot copy a {Kind} digest");
        }
        return new DigestState(Kind, ctx, Length);
    }

    /// <summary>The sum of the bytes so far, in lower-case hex; this state stays usable (a copy is finished).</summary>
    public unsafe string Finish()
    {
        using var copy = Copy();
        var md = stackalloc byte[64];
        uint size = 0;
        if (LibCrypto.DigestFinal(copy._ctx.DangerousGetHandle(), md, &size) != 1)
            throw new InvalidOperationException($"OpenSSL {Kind} final failed");
        return Convert.ToHexStringLower(new ReadOnlySpan<byte>(md, (int)size));
    }

    public void Dispose() => _ctx.Dispose();

    private sealed class Handle : SafeHandle
    {
        private Handle()
            : base(0, ownsHandle: true)
        {
        }

        public override bool IsInvalid => handle == 0;

        public static Handle New()
        {
            var h = new Handle();
            h.SetHandle(LibCrypto.MdCtxNew());
            if (h.IsInvalid)
                throw new OutOfMemoryException("OpenSSL cannot allocate a digest context");
            return h;
        }

        protected override bool ReleaseHandle()
        {
            LibCrypto.MdCtxFree(handle);
            return true;
        }
    }
}
