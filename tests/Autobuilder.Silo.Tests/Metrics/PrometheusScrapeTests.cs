using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Metrics;

/// <summary>
/// The silo's Prometheus endpoint scraped by a real Prometheus (Debian's package, scripts/install-deps)
/// every second while real uploads are built, failed and rejected: queries of its HTTP API return
/// exactly the builds, rejections and publications the test caused, and Orleans' own meters.
/// </summary>
public sealed class PrometheusScrapeTests(PrometheusScrapeTests.Fixture f) : IClassFixture<PrometheusScrapeTests.Fixture>
{
    /// <summary>One silo with metrics on, one Prometheus scraping it, and three uploads: built, failed, rejected.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDir _dir = new("ab-metrics-");
        private Process? _prometheus;
        private readonly System.Text.StringBuilder _prometheusOutput = new();

        public int MetricsPort { get; } = SiloProcess.FreePort();
        public int PrometheusPort { get; } = SiloProcess.FreePort();
        public SiloProcess Silo { get; private set; } = null!;

        /// <summary>`uploads log ID --follow` started while the build ran, and the whole log asked for after it ended; `repo sync`.</summary>
        public ToolResult Followed { get; private set; } = null!;
        public ToolResult FullLog { get; private set; } = null!;
        public ToolResult Synced { get; private set; } = null!;

        /// <summary>The checks that refused the tampered upload, as the upload records them.</summary>
        public IReadOnlyList<string> RejectedBy { get; private set; } = [];
        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

        public async Task InitializeAsync()
        {
            Silo = new SiloProcess(_dir["var"], config =>
                config["Autobuilder"]!["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = MetricsPort });
            await Silo.StartAsync();

            var yml = _dir.Write("prometheus.yml", $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: autobuilder
                    static_configs:
                      - targets: ['127.0.0.1:{MetricsPort}']
                """);
            var psi = new ProcessStartInfo("/usr/bin/prometheus")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { $"--config.file={yml}", $"--storage.tsdb.path={_dir["tsdb"]}",
                         $"--web.listen-address=127.0.0.1:{PrometheusPort}", "--log.level=warn" })
                psi.ArgumentList.Add(arg);
            _prometheus = Process.Start(psi)!;
            _prometheus.OutputDataReceived += (_, e) => { lock (_prometheusOutput) _prometheusOutput.AppendLine(e.Data); };
            _prometheus.ErrorDataReceived += (_, e) => { lock (_prometheusOutput) _prometheusOutput.AppendLine(e.Data); };
            _prometheus.BeginOutputReadLine();
            _prometheus.BeginErrorReadLine();

            // Three uploads at once: one builds, one fails its build, one is rejected at verification.
            // The good one builds for a few seconds, so its log can be followed while it runs.
            Uploads.Drop(Silo, new SourcePackage(Name: "ab-metrics-good", RulesBuild: "sleep 4"), _dir["scratch"]);
            Uploads.Drop(Silo, new SourcePackage(Name: "ab-metrics-fails", RulesBuild: "false"), _dir["scratch"]);
            Uploads.Drop(Silo, new SourcePackage(Name: "ab-metrics-badsum"), _dir["scratch"], tamper: folder =>
            {
                var orig = Path.Combine(folder, "ab-metrics-badsum_1.0.orig.tar.gz");
                var bytes = File.ReadAllBytes(orig);
                bytes[^5] ^= 0xFF;
                File.WriteAllBytes(orig, bytes);
            });
            // The console follows the running build's log, its output redirected as a script's would be.
            var running = await Uploads.WaitAsync(Silo, "ab-metrics-good", d => d.Builds.Any(b => b.State == BuildState.Running), "building", TimeSpan.FromMinutes(2));
            var upload = Silo.Grains.GetGrain<IUploadGrain>(running.Summary.Id);
            while (await upload.ReadLogAsync(null, 0) is null)
                await Task.Delay(100);
            var follow = Task.Run(() => AdminCli.Run(Silo, "uploads", "log", running.Summary.Id, "--follow"));
            await Uploads.WaitAsync(Silo, "ab-metrics-good", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
            Followed = await follow;
            FullLog = AdminCli.Run(Silo, "uploads", "log", running.Summary.Id);
            Synced = AdminCli.Run(Silo, "repo", "sync");
            await Uploads.WaitAsync(Silo, "ab-metrics-fails", Uploads.IsSettled, "settled (failed)", TimeSpan.FromMinutes(3));
            var rejected = await Uploads.WaitAsync(Silo, "ab-metrics-badsum", Uploads.IsSettled, "settled (rejected)", TimeSpan.FromMinutes(1));
            RejectedBy = (rejected.Rejections ?? []).Select(r => r.Check).Distinct().ToList();
        }

        public string PrometheusOutput { get { lock (_prometheusOutput) return _prometheusOutput.ToString(); } }

        /// <summary>Asks Prometheus until <paramref name="query"/> gives a value <paramref name="wanted"/> accepts (the scrape is every second).</summary>
        public async Task<double> QueryUntilAsync(string query, Func<double, bool> wanted, string expectation)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var last = "(no answer)";
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    last = await Http.GetStringAsync($"http://127.0.0.1:{PrometheusPort}/api/v1/query?query={Uri.EscapeDataString(query)}");
                    var result = JsonNode.Parse(last)!["data"]!["result"]!.AsArray();
                    if (result.Count == 1 && double.TryParse(result[0]!["value"]![1]!.GetValue<string>(),
                            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && wanted(value))
                        return value;
                }
                catch (HttpRequestException ex)
                {
                    last = ex.Message; // Prometheus still starting
                }
                await Task.Delay(500);
            }
            throw new TimeoutException($"Prometheus: {query} never became {expectation}; last answer: {last}\nprometheus output:\n{PrometheusOutput}\n" +
                $"silo /metrics:\n{await ScrapeAsync()}");
        }

        public async Task<string> ScrapeAsync(string host = "127.0.0.1", string path = "/metrics")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{MetricsPort}{path}");
            request.Headers.Host = host;
            using var response = await Http.SendAsync(request);
            return $"{(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}";
        }

        public async Task DisposeAsync()
        {
            if (_prometheus is { HasExited: false })
            {
                _prometheus.Kill();
                await _prometheus.WaitForExitAsync();
            }
            _prometheus?.Dispose();
            Http.Dispose();
            if (Silo is not null)
                await Silo.DisposeAsync();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task Should_return_the_builds_the_test_ran_When_prometheus_queries_the_duration_histogram()
    {
        Assert.Equal(2, await f.QueryUntilAsync("sum(autobuilder_build_duration_seconds_count)", v => v >= 2, "2 builds"));
        Assert.Equal(1, await f.QueryUntilAsync("sum(autobuilder_build_duration_seconds_count{outcome=\"success\"})", v => v >= 1, "1 success"));
        Assert.Equal(1, await f.QueryUntilAsync("sum(autobuilder_build_duration_seconds_count{outcome=\"build-failed\"})", v => v >= 1, "1 failure"));
        // The builds ran for some time: the sum of durations is positive.
        Assert.True(await f.QueryUntilAsync("sum(autobuilder_build_duration_seconds_sum)", v => v > 0, "positive") > 0);
    }

    [Fact]
    public async Task Should_count_rejections_by_check_and_the_walk_to_published_When_uploads_ended()
    {
        Assert.NotEmpty(f.RejectedBy);
        foreach (var check in f.RejectedBy)
            Assert.Equal(1, await f.QueryUntilAsync($"sum(autobuilder_rejections_total{{check=\"{check}\"}})", v => v >= 1, $"1 {check} rejection"));
        Assert.Equal(f.RejectedBy.Count, await f.QueryUntilAsync("sum(autobuilder_rejections_total)", v => v >= f.RejectedBy.Count, "the rejections"));
        // Only the good upload was published: one walk each, one offer answered.
        Assert.Equal(1, await f.QueryUntilAsync("sum(autobuilder_upload_to_published_seconds_count)", v => v >= 1, "1 upload published"));
        Assert.Equal(1, await f.QueryUntilAsync("sum(autobuilder_upload_to_live_seconds_count)", v => v >= 1, "1 upload live"));
        Assert.Equal(1, await f.QueryUntilAsync("sum(autobuilder_publish_duration_seconds_count{outcome=\"published\"})", v => v >= 1, "1 publish"));
    }

    [Fact]
    public async Task Should_report_the_scheduler_gauges_and_orleans_meters_When_scraped()
    {
        // Both slots idle again, no build waiting or running on the configured architecture.
        Assert.Equal(2, await f.QueryUntilAsync("sum(autobuilder_slots{state=\"idle\"})", v => v == 2, "2 idle slots"));
        Assert.Equal(0, await f.QueryUntilAsync($"sum(autobuilder_builds_waiting{{architecture=\"{SiloProcess.HostArchitecture}\"}})", v => v == 0, "0 waiting"));
        Assert.Equal(0, await f.QueryUntilAsync("sum(autobuilder_builds_running)", v => v == 0, "0 running"));
        // Orleans' own meter: grain activations are counted.
        Assert.True(await f.QueryUntilAsync("count({__name__=~\"orleans_.+\"})", v => v > 0, "some Orleans series") > 0);
    }

    [Fact]
    public async Task Should_serve_only_metrics_and_refuse_foreign_hosts_When_asked_otherwise()
    {
        Assert.StartsWith("200\n", await f.ScrapeAsync());
        Assert.StartsWith("404\n", await f.ScrapeAsync(path: "/"));
        Assert.StartsWith("404\n", await f.ScrapeAsync(path: "/api/v1/status"));
        // DNS rebinding: a page in a browser that names another host reads nothing.
        Assert.StartsWith("400\n", await f.ScrapeAsync(host: "evil.example"));
        using var post = await f.Http.PostAsync($"http://127.0.0.1:{f.MetricsPort}/metrics", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public void Should_print_the_log_exactly_and_no_control_sequence_When_following_into_a_pipe()
    {
        Assert.True(f.Followed.ExitCode == 0, f.Followed.Stderr);
        Assert.True(f.FullLog.ExitCode == 0, f.FullLog.Stderr);
        Assert.Contains("dpkg-buildpackage", f.FullLog.Stdout);
        // Followed live or read whole afterwards: the same bytes, no spinner, nothing on stderr.
        Assert.Equal(f.FullLog.Stdout, f.Followed.Stdout);
        Assert.DoesNotContain('\u001b', f.Followed.Stdout);
        Assert.Equal("", f.Followed.Stderr);

        Assert.True(f.Synced.ExitCode == 0, f.Synced.Stdout + f.Synced.Stderr);
        Assert.DoesNotContain('\u001b', f.Synced.Stdout + f.Synced.Stderr);
        Assert.Contains("extras-devel", f.Synced.Stdout);
    }

    [Fact]
    public async Task Should_answer_every_query_of_the_sample_dashboard_When_prometheus_has_scraped()
    {
        await f.QueryUntilAsync("sum(autobuilder_build_duration_seconds_count)", v => v >= 2, "2 builds");
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Checkout.Root, "docs", "grafana-dashboard.json")))!;
        var documented = File.ReadAllText(Path.Combine(Checkout.Root, "docs", "metrics.md"));
        var names = JsonNode.Parse(await f.Http.GetStringAsync($"http://127.0.0.1:{f.PrometheusPort}/api/v1/label/__name__/values"))!["data"]!
            .AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        var exprs = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(exprs);
        foreach (var expr in exprs)
        {
            var query = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal);
            var answer = JsonNode.Parse(await f.Http.GetStringAsync($"http://127.0.0.1:{f.PrometheusPort}/api/v1/query?query={Uri.EscapeDataString(query)}"))!;
            Assert.True(answer["status"]!.GetValue<string>() == "success", $"{expr}: {answer}");
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(expr, @"\b(autobuilder|orleans)_[a-z_]+").Select(m => m.Value))
            {
                var series = System.Text.RegularExpressions.Regex.Replace(name, "_(bucket|count|sum)$", "");
                // Every name the dashboard uses is documented, and exported unless nothing of its kind happened in the test.
                if (name.StartsWith("autobuilder_", StringComparison.Ordinal))
                    Assert.Contains($"`{series}`", documented);
                if (series is not ("autobuilder_remote_sync_lag_seconds" or "autobuilder_mail_failures_total"))
                    Assert.True(names.Contains(name), $"{expr}: {name} is not among the scraped series");
            }
        }
    }
}
