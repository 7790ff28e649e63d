using Autobuilder.Grains.Security;
using Autobuilder.Silo.Security;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>
/// The verifier remembers the proofs it checked (by their signatures), so that a caller pays for the
/// certificate and the signature once, not per call. Attacks on that memory: a proof verified once
/// and then edited — its expiry moved, another certificate put on it, its subject changed — must be
/// checked again, and refused, not waved through because its signature is known.
/// </summary>
public sealed class ProofVerifierTests : IDisposable
{
    private readonly TempDir _root = new("ab-proofs-");
    private readonly Credential _reader;
    private readonly Credential _admin;
    private readonly ProofVerifier _verifier;

    public ProofVerifierTests()
    {
        var authority = new CertificateAuthority(_root["certs"]);
        authority.Init(["silo"], "root-admin");
        authority.Issue("rita", AccessRole.Reader, TimeSpan.FromDays(1));
        _reader = Credential.Load(authority.UserPath("rita"));
        _admin = Credential.Load(authority.UserPath("root-admin"));
        _verifier = new ProofVerifier(authority.Trust(), TimeProvider.System);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _admin.Dispose();
        _root.Dispose();
    }

    private CallProof Verified()
    {
        var proof = CallProof.Create(_reader, CallProof.ClientSubject, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("rita", _verifier.Verify(proof).Name);
        // The second time comes from the verifier's memory.
        Assert.Equal(AccessRole.Reader, _verifier.Verify(proof).Role);
        return proof;
    }

    [Fact]
    public void Should_refuse_a_verified_proof_When_its_expiry_was_moved_later()
    {
        var proof = Verified();

        var stretched = Assert.Throws<AccessRefusedException>(() => _verifier.Verify(proof with { Expires = proof.Expires + 86_400 * 365 }));

        Assert.Contains("not signed with the key of certificate 'rita'", stretched.Message);
    }

    [Fact]
    public void Should_refuse_a_verified_signature_When_it_comes_with_another_certificate()
    {
        var proof = Verified();

        var borrowed = Assert.Throws<AccessRefusedException>(() => _verifier.Verify(proof with { Certificate = _admin.Certificate.RawData }));

        Assert.Contains("not signed with the key of certificate 'root-admin'", borrowed.Message);
    }

    [Fact]
    public void Should_refuse_a_verified_client_proof_When_it_claims_to_be_a_silos()
    {
        var proof = Verified();

        var promoted = Assert.Throws<AccessRefusedException>(() => _verifier.Verify(proof with { Subject = CallProof.SiloSubject }));

        Assert.Contains("rita", promoted.Message);
        // And the honest proof still holds: a refused edit does not spoil what was verified.
        Assert.Equal("rita", _verifier.Verify(proof).Name);
    }
}
