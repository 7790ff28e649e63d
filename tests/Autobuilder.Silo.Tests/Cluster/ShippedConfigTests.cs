using Autobuilder.Grains;
using Autobuilder.Silo.Dashboard;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// The configuration files the project ships (silo-config/, used by docker/ and the systemd
/// examples) describe silos that start: the deployment files cannot be run here, so their
/// configuration is checked against the code that reads it.
/// </summary>
public sealed class ShippedConfigTests
{
    private static readonly string Checkout = Autobuilder.Testing.Checkout.Root;

    private static IConfiguration Load(string name) =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(Checkout, "silo-config", name + ".json"), optional: false).Build();

    [Theory]
    [InlineData("all", SiloRoles.All, SiloClusterOptions.LocalMembership)]
    [InlineData("garage", SiloRoles.Garage, SiloClusterOptions.PostgresMembership)]
    [InlineData("builder", SiloRoles.Builder, SiloClusterOptions.PostgresMembership)]
    [InlineData("stage", SiloRoles.Stage, SiloClusterOptions.PostgresMembership)]
    [InlineData("drop", SiloRoles.Drop, SiloClusterOptions.PostgresMembership)]
    public void Should_describe_a_silo_of_its_role_When_a_shipped_file_is_read(string file, string role, string membership)
    {
        var configuration = Load(file);

        var identity = SiloIdentity.From(configuration);
        var cluster = ClusterHosting.ClusterOptions(configuration);
        var dashboard = DashboardHosting.Settings(configuration);
        var upload = Autobuilder.Silo.HttpUpload.HttpUploadHosting.Options(configuration);

        Assert.Equal(role == SiloRoles.All, upload.Enabled);
        Assert.Equal(role, identity.Role);
        Assert.Equal(membership, cluster.Membership);
        Assert.Equal(role is SiloRoles.All or SiloRoles.Garage, dashboard.Enabled);
        Assert.Equal("127.0.0.1", dashboard.Address);
        if (role != SiloRoles.All)
            Assert.Equal(role == SiloRoles.Builder ? "builder1" : role, identity.HostName);
    }

    [Fact]
    public void Should_serve_the_drop_for_the_garages_products_When_the_drop_file_is_read()
    {
        var drop = Load("drop").GetSection("Autobuilder").Get<Autobuilder.Grains.Options.AutobuilderOptions>()!;
        var garage = Load("garage").GetSection("Autobuilder").Get<Autobuilder.Grains.Options.AutobuilderOptions>()!;

        var problem = new AutobuilderOptionsValidator().Validate(null, drop);

        Assert.True(problem.Succeeded, problem.FailureMessage);
        Assert.True(drop.Uploaders.Drop.Enabled);
        Assert.False(garage.Uploaders.Drop.Enabled);
        Assert.Equal(garage.Products, drop.Products);
        Assert.Equal(new Autobuilder.Grains.Options.DropOptions().Root, drop.Uploaders.Drop.Root);
        Assert.True(drop.Uploaders.Drop.MaxAreaBytes > 0);
    }

    [Fact]
    public void Should_run_only_its_own_hosts_slots_When_the_builder_file_is_read()
    {
        var configuration = Load("builder");

        var identity = SiloIdentity.From(configuration);
        var slots = configuration.GetSection("Autobuilder:Slots").GetChildren().Select(s => s["Host"]!).ToList();

        Assert.NotEmpty(slots);
        Assert.All(slots, host => Assert.True(identity.RunsSlotsOf(host)));
        Assert.Equal(["builder1"], identity.SlotHosts);
    }

    [Fact]
    public void Should_name_every_role_file_and_the_database_When_the_compose_file_is_read()
    {
        var compose = File.ReadAllText(Path.Combine(Checkout, "docker", "compose.yaml"));

        foreach (var role in new[] { "garage", "builder", "stage" })
            Assert.Contains($"AUTOBUILDER_ROLE: {role}", compose);
        Assert.Contains("AUTOBUILDER_Cluster__HostName: builder2", compose);
        Assert.Contains("AUTOBUILDER_Autobuilder__Slots__0__Host: builder2", compose);
        Assert.Contains("AUTOBUILDER_Cluster__ConnectionString", compose);
        Assert.Contains("db-init", compose);
    }
}
