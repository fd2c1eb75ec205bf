using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Host;

public class ExecutableTests
{
    [Theory]
    [InlineData("-v")]
    [InlineData("--version")]
    public void Version_PrintsAVersionLine(string flag)
    {
        var result = Cli.Run(Paths.Vigil, ["server", flag]);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"v=7\.0\.\d+", result.StdOut);
    }

    [Fact]
    public void RedisCli_SetThenGet()
    {
        using var server = ServerProcess.StartVigil();
        Assert.Equal("OK", Cli.RedisCli(server.Port, "SET", "msg", "1").StdOut.Trim());
        Assert.Equal("1", Cli.RedisCli(server.Port, "GET", "msg").StdOut.Trim());
    }

    [Fact]
    public void SentinelOnDataPort_IsAnUnknownCommand()
    {
        using var server = ServerProcess.StartVigil();
        var result = Cli.RedisCli(server.Port, "SENTINEL", "master", "mymaster");
        Assert.Equal("ERR unknown command 'SENTINEL', with args beginning with: 'master' 'mymaster' ", result.StdOut.TrimEnd('\n'));
    }

    [Fact]
    public void BadDirective_StopsStartup_NamingLineAndDirective()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-conf-").FullName;
        string conf = Path.Combine(dir, "redis.conf");
        File.WriteAllText(conf, "port 7777\nnot-a-directive yes\n");
        var result = Cli.Run(Paths.Vigil, ["server", conf], timeoutMs: 20_000);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("*** FATAL CONFIG FILE ERROR", result.All);
        Assert.Contains("at line 2", result.All);
        Assert.Contains(">>> 'not-a-directive yes'", result.All);
        Directory.Delete(dir, true);
    }

    // A config file (line 1 a comment, line 2 a directive) plus command-line directives that override it:
    // any error stops startup with redis-server's exact text and exit code.
    [Theory]
    [InlineData("port 7777", new[] { "--port", "0x" })]
    [InlineData("port 7777", new[] { "--port", "7000", "--maxmemory", "lots" })]
    [InlineData("port 7777", new[] { "--requirepass", "a b", "--databases", "-1" })]
    [InlineData("port 7777", new[] { "--appendonly", "maybe" })]
    [InlineData("not-a-directive yes", new[] { "--port", "7000" })]
    [InlineData("maxmemory 10 20", new string[0])]
    [InlineData("loglevel loud", new string[0])]
    [InlineData("save \"900 1", new string[0])]
    public void ConfigErrors_StopStartupWithRedisServersMessage(string fileLine, string[] overrides)
    {
        string dir = Directory.CreateTempSubdirectory("vigil-conf-").FullName;
        try
        {
            string conf = Path.Combine(dir, "redis.conf");
            File.WriteAllText(conf, "# a comment\n" + fileLine + "\n");
            var redis = Cli.Run(Paths.RedisServer, [conf, .. overrides], timeoutMs: 20_000);
            var vigil = Cli.Run(Paths.Vigil, ["server", conf, .. overrides], timeoutMs: 20_000);
            Assert.Contains("*** FATAL CONFIG FILE ERROR", redis.All);
            Assert.Equal(redis.All, vigil.All);
            Assert.Equal(redis.ExitCode, vigil.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
