using Autobuilder.Debian.BuildLogs;

namespace Autobuilder.Debian.Tests.BuildLogs;

/// <summary>Which lines of a Debian build log are error lines: a table of lines as the tools print them.</summary>
public sealed class BuildLogErrorsTests
{
    [Theory]
    // compilers and linkers
    [InlineData("src/hello.c:3:5: error: 'undeclared_thing' undeclared (first use in this function)")]
    [InlineData("src/hello.c:1:10: fatal error: missing.h: No such file or directory")]
    [InlineData("collect2: error: ld returned 1 exit status")]
    [InlineData("/usr/bin/ld: hello.o: in function `main': undefined reference to `frobnicate'")]
    [InlineData("error[E0425]: cannot find value `x` in this scope")]
    [InlineData("/usr/bin/ld: cannot find -lfoo: No such file or directory")]
    // debhelper
    [InlineData("dh_auto_build: error: make -j1 returned exit code 2")]
    [InlineData("\tdh_auto_test: error: make -j4 test returned exit code 1")]
    [InlineData("dh_install: error: missing files, aborting")]
    // make
    [InlineData("make[1]: *** [debian/rules:7: override_dh_auto_build] Error 1")]
    [InlineData("make: *** [Makefile:4: all] Error 2")]
    [InlineData("make: *** No rule to make target 'install'.  Stop.")]
    // missing files and commands
    [InlineData("cp: cannot stat 'build/hello': No such file or directory")]
    [InlineData("sh: 1: frob-tool: not found")]
    [InlineData("debian/rules: line 4: xsltproc: command not found")]
    [InlineData("CMake Error: Could not find CMAKE_ROOT")]
    // test suites
    [InlineData("FAIL: test-parse")]
    [InlineData("# FAIL:  2")]
    [InlineData("FAILED tests/test_app.py::test_hello - AssertionError")]
    [InlineData("========================= 1 failed, 12 passed in 0.31s =========================")]
    [InlineData("Failed 1/3 test programs. 2/40 subtests failed.")]
    [InlineData("50% tests passed, 1 tests failed out of 2")]
    [InlineData("not ok 3 - parses the empty string")]
    // dpkg and sbuild
    [InlineData("dpkg-buildpackage: error: debian/rules build subprocess returned exit status 2")]
    [InlineData("dpkg-source: error: cannot represent change to hello: binary file contents changed")]
    [InlineData("dpkg-checkbuilddeps: error: Unmet build dependencies: libfoo-dev (>= 1.2)")]
    [InlineData("E: Build failure (dpkg-buildpackage died)")]
    public void Should_FindTheLine_When_AToolReportsAFailure(string line)
    {
        Assert.True(BuildLogErrors.IsError(line), line);
    }

    [Theory]
    [InlineData("gcc -g -O2 -Werror=format-security -Wall -c hello.c -o hello.o")]
    [InlineData("checking for error.h... yes")]
    [InlineData("checking whether strerror_r returns char *... no")]
    [InlineData("# FAIL:  0")]
    [InlineData("# ERROR: 0")]
    [InlineData("PASS: test-parse")]
    [InlineData("======================== 12 passed in 0.31s ========================")]
    [InlineData("100% tests passed, 0 tests failed out of 2")]
    [InlineData("not ok 4 - known bug # TODO fix the parser")]
    [InlineData("   dh_auto_build")]
    [InlineData("make[1]: Entering directory '/build/hello-1.0'")]
    [InlineData("dpkg-source: info: using source format '3.0 (quilt)'")]
    [InlineData("Compiling error_handling.c")]
    [InlineData("")]
    public void Should_PassTheLineOver_When_ItOnlyMentionsErrorsOrPasses(string line)
    {
        Assert.False(BuildLogErrors.IsError(line), line);
    }

    [Fact]
    public void Should_KeepTheFirstAndLastErrorsAndCountTheRest_When_TheLogHasMoreThanTheBound()
    {
        // Given a log of 100,000 lines with an error every 1,000 lines
        var log = Enumerable.Range(1, 100_000).Select(i => i % 1000 == 0 ? $"f{i}.c:1:1: error: broken {i}" : $"compiling part {i}");

        // When at most 8 error lines are kept
        var errors = BuildLogErrors.Extract(log, maxLines: 8);

        // Then the first 6 (the cause) and the last 2 (the verdict) are kept, with their line numbers, and 92 counted
        Assert.Equal([1000, 2000, 3000, 4000, 5000, 6000, 99_000, 100_000], errors.Lines.Select(l => l.Number));
        Assert.Equal("line 1000: f1000.c:1:1: error: broken 1000", errors.Lines[0].ToString());
        Assert.Equal(92, errors.Omitted);
    }

    [Fact]
    public void Should_CutTheLineAndDropRepeats_When_LinesAreLongOrRepeated()
    {
        // Given a very long error line, and make's failure repeated on two levels
        string[] log =
        [
            "x.c:1:1: error: " + new string('a', 1000),
            "make: *** [Makefile:4: all] Error 2",
            "make: *** [Makefile:4: all] Error 2",
        ];

        // When extracted with lines of at most 60 characters
        var errors = BuildLogErrors.Extract(log, maxLines: 10, maxLineChars: 60);

        // Then the long line is cut with a marker and the repeat is dropped
        Assert.Equal(2, errors.Lines.Count);
        Assert.Equal(("x.c:1:1: error: " + new string('a', 44) + " […]"), errors.Lines[0].Text);
        Assert.Equal(2, errors.Lines[1].Number);
    }
}
