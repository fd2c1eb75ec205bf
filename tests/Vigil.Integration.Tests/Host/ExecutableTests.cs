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
}
