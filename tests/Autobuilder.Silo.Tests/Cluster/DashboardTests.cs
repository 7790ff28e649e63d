using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>The Orleans dashboard served by the garage silo, over real HTTP.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardTests(ClusterFixture fixture)
{
    private Uri Url(string path) => new($"{fixture.DashboardUrl}{path}");

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task Should_serve_the_dashboard_and_see_every_silo_When_the_operator_logs_in()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = Basic(ClusterFixture.DashboardUser, ClusterFixture.DashboardPassword);

        var page = await http.GetStringAsync(Url("/"));
        var hosts = await Eventually.UntilAsync(async () =>
        {
            using var counters = JsonDocument.Parse(await http.GetStringAsync(Url("/DashboardCounters")));
            var active = counters.RootElement.GetProperty("totalActiveHostCount").GetInt32();
            return (active == 4, active, counters.RootElement.ToString()[..Math.Min(600, counters.RootElement.ToString().Length)]);
        }, "the dashboard to count four active silos");

        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, hosts);
    }

    [Fact]
    public async Task Should_ask_for_credentials_When_none_or_wrong_ones_are_given()
    {
        using var http = new HttpClient();

        var anonymous = await http.GetAsync(Url("/"));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, Url("/DashboardCounters"));
        wrong.Headers.Authorization = Basic(ClusterFixture.DashboardUser, "guess");
        var guessed = await http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
    }

    [Fact]
    public async Task Should_let_in_a_token_from_certs_token_and_refuse_it_When_its_owner_is_revoked()
    {
        fixture.Certificates.Issue("dash-viewer", AccessRole.Reader, TimeSpan.FromDays(1), replace: true);
        var token = ClusterCli.Run("certs", "token", "dash-viewer", "--dir", fixture.Certificates.Folder).Ok().Stdout.Trim();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = Basic("dash-viewer", token);

        var before = await http.GetAsync(Url("/"));
        using var other = new HttpRequestMessage(HttpMethod.Get, Url("/"));
        other.Headers.Authorization = Basic("someone-else", token);
        var borrowed = await http.SendAsync(other);
        fixture.Certificates.Revoke("dash-viewer");
        await Task.Delay(1500);
        var after = await http.GetAsync(Url("/"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, borrowed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_request_When_it_names_a_host_the_dashboard_does_not_serve()
    {
        using var http = new HttpClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, Url("/"));
        rebound.Headers.Host = "attacker.example";
        rebound.Headers.Authorization = Basic(ClusterFixture.DashboardUser, ClusterFixture.DashboardPassword);

        var response = await http.SendAsync(rebound);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
