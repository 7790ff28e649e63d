using Autobuilder.Debian.Architectures;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Architectures;

public class DpkgArchitectureTests
{
    // Each wildcard rule of Dpkg::Arch: the 2-, 3- and 4-field forms, each tuple field, the
    // "linux-" prefix quirk, "all", and strings that look like wildcards but match nothing.
    private static readonly string[] Wildcards =
    [
        "any", "all", "linux-any", "any-amd64", "any-arm", "any-i386", "any-mips64el", "hurd-any",
        "kfreebsd-any", "any-any-any-any", "gnu-any-any", "eabihf-any-any-any", "x32-any-any-any",
        "linux-armhf", "linux-amd64-foo", "any-", "any-any-any-any-any",
    ];

    // Runs the real /usr/bin/dpkg-architecture once per pair with "-a ARCH -i WILDCARD" and reads
    // its exit status, but from one perl process that loads dpkg's Perl modules once and forks a
    // child per pair which runs the script itself: a plain process per pair costs ~25 ms of CPU
    // (mostly compiling those modules), far too slow for hundreds of pairs. If the preloading ever
    // fails, the children still work, only slower. The names are this test's own, not user input.
    private const string Runner = """
        use strict;
        use warnings;
        my $tool = '/usr/bin/dpkg-architecture';
        if (open my $fh, '<', $tool) {
            while (<$fh>) { eval "require $1; 1" if /^use (Dpkg[\w:]*)/; }
            close $fh;
        }
        while (my $line = <STDIN>) {
            chomp $line;
            my ($arch, $wildcard) = split / /, $line;
            my $pid = fork() // die "fork: $!";
            if ($pid == 0) {
                open STDERR, '>', '/dev/null';
                @ARGV = ('-a', $arch, '-i', $wildcard);
                do $tool;
                die $@ if $@;
                exit 0;
            }
            waitpid($pid, 0);
            print(($? >> 8), "\n");
        }
        """;

    [Fact]
    public void Should_match_wildcards_like_dpkg_architecture_When_every_known_architecture_meets_every_wildcard()
    {
        var pairs = KnownArchitectures.All.SelectMany(a => Wildcards.Select(w => (Arch: a, Wildcard: w))).ToArray();

        var dpkg = Ask(pairs.Select(p => $"{p.Arch.Name} {p.Wildcard}").ToArray());

        var mismatches = pairs.Select((p, i) => (p, ours: p.Arch.Matches(p.Wildcard), dpkg: dpkg[i] == 0))
            .Where(x => x.ours != x.dpkg)
            .Select(x => $"{x.p.Arch.Name} vs {x.p.Wildcard}: ours {x.ours}, dpkg-architecture {x.dpkg}")
            .ToArray();
        Assert.Empty(mismatches);
        Assert.All(dpkg, code => Assert.True(code is 0 or 1, $"dpkg-architecture exited {code}"));
    }

    private static int[] Ask(string[] lines)
    {
        using var dir = new TempDir("ab-arch-");
        var runner = dir.Write("ask.pl", Runner);
        var answers = Tool.Run("perl", [runner], stdin: string.Concat(lines.Select(l => l + "\n"))).Ok().Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        if (answers.Length != lines.Length)
            throw new InvalidOperationException($"dpkg-architecture answered {answers.Length} of {lines.Length} pairs");
        return answers;
    }
}
